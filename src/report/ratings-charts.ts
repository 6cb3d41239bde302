import { join } from "node:path";
import type { RatingsResult } from "../arena/ratings-report.js";
import type { Language } from "../core/language.js";
import { battleMatrixChartSpec } from "./battle-matrix-chart.js";
import { boardLabel, ratingsChartSpec } from "./ratings-chart.js";
import { chartText } from "./chart-text.js";
import { renderChart, type ChartFiles } from "./render-chart.js";

/** Figure 6 (ratings with intervals) and Figure 14 (battle counts, per leaderboard) as SVG and PNG. */
export async function writeRatingsCharts(
  result: RatingsResult,
  dir: string,
  language: Language,
): Promise<ChartFiles[]> {
  const files = [
    await renderChart(ratingsChartSpec(result.leaderboards, language), join(dir, "ratings")),
  ];
  const boards = Object.entries(result.leaderboards);
  for (const [name, board] of boards) {
    files.push(
      await renderChart(
        battleMatrixChartSpec(
          board.matrix,
          language,
          boards.length > 1 ? chartText(language).judge(boardLabel(name, board)) : undefined,
        ),
        join(dir, name === "all" ? "battle-matrix" : `battle-matrix-${name}`),
      ),
    );
  }
  return files;
}
