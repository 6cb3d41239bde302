import type { TopLevelSpec } from "vega-lite";
import { join } from "node:path";
import type { Leaderboard } from "../arena/leaderboard.js";
import type { RatingsResult } from "../arena/ratings-report.js";
import { renderChart, type ChartFiles } from "./render-chart.js";

/** Figure 6: each counselor's rating with its bootstrap interval, best at the top; one panel per judge kind. */
export function ratingsChartSpec(boards: Record<string, Leaderboard>): TopLevelSpec {
  const values = Object.entries(boards).flatMap(([judge, board]) =>
    board.rows.map((r) => ({
      judge,
      model: r.model,
      rating: r.rating,
      lower: r.lower,
      upper: r.upper,
    })),
  );
  const y = {
    field: "model",
    type: "nominal" as const,
    sort: { field: "rating", order: "descending" as const },
    title: null,
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Counselor ratings (Bradley–Terry, 95% bootstrap intervals)",
    data: { values },
    facet: { column: { field: "judge", type: "nominal", title: "judge" } },
    spec: {
      width: 320,
      layer: [
        {
          mark: { type: "rule", strokeWidth: 2 },
          encoding: {
            y,
            x: { field: "lower", type: "quantitative", scale: { zero: false }, title: "rating" },
            x2: { field: "upper" },
          },
        },
        {
          mark: { type: "point", filled: true, size: 70 },
          encoding: { y, x: { field: "rating", type: "quantitative" } },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Figure 14: battles between each pair of counselors as a heatmap with counts. */
export function battleMatrixChartSpec(board: Leaderboard): TopLevelSpec {
  const { models, counts } = board.matrix;
  const values = models.flatMap((a, i) =>
    models.map((b, j) => ({
      a,
      b,
      battles: i === j ? null : counts[i]![j]!,
      label: i === j ? "–" : String(counts[i]![j]!),
    })),
  );
  const axis = { type: "nominal" as const, sort: models, title: null };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Battles between each pair of counselors",
    data: { values },
    width: Math.max(160, 48 * models.length),
    height: Math.max(160, 48 * models.length),
    encoding: { x: { field: "b", ...axis }, y: { field: "a", ...axis } },
    layer: [
      {
        mark: "rect",
        encoding: { color: { field: "battles", type: "quantitative", scale: { scheme: "blues" } } },
      },
      {
        mark: { type: "text", fontSize: 12 },
        encoding: { text: { field: "label", type: "nominal" } },
      },
    ],
  } as TopLevelSpec;
}

/** Figure 6 (ratings with intervals) and Figure 14 (battle counts, per leaderboard) as SVG and PNG. */
export async function writeRatingsCharts(
  result: RatingsResult,
  dir: string,
): Promise<ChartFiles[]> {
  const files = [await renderChart(ratingsChartSpec(result.leaderboards), join(dir, "ratings"))];
  for (const [name, board] of Object.entries(result.leaderboards)) {
    files.push(
      await renderChart(
        battleMatrixChartSpec(board),
        join(dir, name === "all" ? "battle-matrix" : `battle-matrix-${name}`),
      ),
    );
  }
  return files;
}
