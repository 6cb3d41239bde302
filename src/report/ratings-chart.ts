import type { TopLevelSpec } from "vega-lite";
import type { Leaderboard } from "../arena/leaderboard.js";
import type { Language } from "../core/language.js";
import { chartText } from "./chart-text.js";

/** What a leaderboard's judge is called on a chart: its key, or the judges it merged. */
export function boardLabel(name: string, board: Leaderboard): string {
  return name === "all" ? board.judges.join(", ") : name;
}

/**
 * Figure 6: each counselor's Bradley–Terry rating with its bootstrap interval and its Elo
 * rating, each with its bootstrap interval, best at the top; one panel per leaderboard
 * (judge), so LLM judges and humans sit side by side.
 */
export function ratingsChartSpec(
  boards: Record<string, Leaderboard>,
  language: Language,
): TopLevelSpec {
  const text = chartText(language);
  const methods = [text.bradleyTerry, text.elo];
  const entries = Object.entries(boards);
  const rounds = entries[0]?.[1].bradleyTerry.rounds ?? 0;
  const values = entries.flatMap(([name, board]) =>
    board.rows.flatMap((r) => {
      const judge = text.judge(boardLabel(name, board));
      return [
        {
          judge,
          model: r.model,
          method: methods[0],
          order: r.rating,
          rating: r.rating,
          lower: r.lower,
          upper: r.upper,
        },
        {
          judge,
          model: r.model,
          method: methods[1],
          order: r.rating,
          rating: r.elo,
          // Leaderboards saved before Elo had intervals show Elo as a point.
          lower: r.eloLower ?? null,
          upper: r.eloUpper ?? null,
        },
      ];
    }),
  );
  const y = {
    field: "model",
    type: "nominal" as const,
    sort: { field: "order", op: "max" as const, order: "descending" as const },
    title: null,
    // Longer names are cut with "…"; the table beside the figure gives them whole.
    axis: { labelLimit: 150 },
  };
  const color = {
    field: "method",
    type: "nominal" as const,
    scale: { domain: methods, range: ["#1f77b4", "#d62728"] },
    title: null,
    legend: { orient: "top" as const, direction: "horizontal" as const },
  };
  const yOffset = { field: "method", type: "nominal" as const, sort: methods };
  // Narrow enough (with the names) to be drawn at full size on a 390 px phone: the figure
  // is one SVG for paper, report and platform alike, and a shrunk SVG shrinks its text.
  const layered = {
    width: 220,
    height: { step: 14 },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          y,
          yOffset,
          color,
          x: {
            field: "lower",
            type: "quantitative",
            scale: { zero: false },
            title: text.ratingsAxis,
            axis: { format: "d" },
          },
          x2: { field: "upper" },
        },
      },
      {
        mark: { type: "point", filled: true, size: 60, opacity: 1 },
        encoding: { y, yOffset, color, x: { field: "rating", type: "quantitative" } },
      },
    ],
  };
  const title = {
    text: text.ratingsTitle,
    subtitle:
      entries.length === 1
        ? [text.judge(boardLabel(entries[0]![0], entries[0]![1])), text.ratingsSubtitle(rounds)]
        : text.ratingsSubtitle(rounds),
  };
  // One leaderboard needs no panel header; several get one panel per judge, one under the
  // other on a shared rating axis: side by side they shrink to unreadable on a phone.
  return (
    entries.length === 1
      ? { title, data: { values }, ...layered }
      : {
          title,
          data: { values },
          facet: { field: "judge", type: "nominal", title: null, header: { labelFontSize: 12 } },
          columns: 1,
          spec: layered,
          // Each panel keeps its own rating axis (the scale stays shared), so a reader of the
          // upper panel need not scroll to the lowest one to read a value.
          resolve: { axis: { x: "independent" } },
        }
  ) as TopLevelSpec;
}
