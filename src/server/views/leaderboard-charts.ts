import type { Leaderboard } from "../../arena/leaderboard.js";
import type { Language } from "../../core/language.js";
import { battleMatrixChartSpec } from "../../report/battle-matrix-chart.js";
import { chartText } from "../../report/chart-text.js";
import { boardLabel, ratingsChartSpec } from "../../report/ratings-chart.js";
import { renderChartSvg } from "../../report/render-chart.js";

/** A rendered figure for a page: an image source and the words a screen reader gets instead. */
export interface PageFigure {
  src: string;
  alt: string;
}

export interface LeaderboardFigures {
  /** Figure 6 over every board, or null without any board. */
  ratings: PageFigure | null;
  /** Figure 14 per board, by judge kind. */
  matrices: Map<string, PageFigure>;
}

/**
 * As an image, not inline SVG: the page's Content-Security-Policy forbids inline styles,
 * which Vega's SVG carries, while an SVG image is drawn in its own document. The same
 * figures `psysim ratings --charts` and `psysim report` draw.
 */
const asImage = (svg: string): string =>
  `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;

/** Figures 6 and 14 for the leaderboard page, in the page's language. */
export async function leaderboardFigures(
  boards: ReadonlyArray<{ kind: string; board: Leaderboard | null }>,
  language: Language,
): Promise<LeaderboardFigures> {
  const text = chartText(language);
  const ready = boards.filter((b): b is { kind: string; board: Leaderboard } => b.board !== null);
  const matrices = new Map<string, PageFigure>();
  if (ready.length === 0) return { ratings: null, matrices };
  const spec = ratingsChartSpec(Object.fromEntries(ready.map((b) => [b.kind, b.board])), language);
  const ratings: PageFigure = {
    src: asImage(await renderChartSvg(spec)),
    alt: text.ratingsTitle,
  };
  for (const { kind, board } of ready) {
    const subtitle = ready.length > 1 ? text.judge(boardLabel(kind, board)) : undefined;
    matrices.set(kind, {
      src: asImage(await renderChartSvg(battleMatrixChartSpec(board.matrix, language, subtitle))),
      alt: `${text.battlesTitle}${subtitle ? ` (${subtitle})` : ""}`,
    });
  }
  return { ratings, matrices };
}
