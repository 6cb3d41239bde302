import { ratingsReport, type RatingsResult } from "../../arena/ratings-report.js";
import type { Leaderboard } from "../../arena/leaderboard.js";
import { battleMatrixChartSpec } from "../battle-matrix-chart.js";
import { chartText } from "../chart-text.js";
import { boardLabel, ratingsChartSpec } from "../ratings-chart.js";
import { ofKind, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable, provenanceHtml } from "../report-page.js";
import { ratingsCommand, recomputeCommand, type Provenance } from "../report-provenance.js";
import type { ReportText } from "../report-text.js";
import type { ReportTable } from "../table-one.js";

interface RatingsSource {
  result: RatingsResult;
  provenance: Provenance;
}

async function ratingsSources(b: ReportBuilder): Promise<RatingsSource[]> {
  const fromJson = ofKind(b.options.inputs.evaluations, "ratings").map((e) => ({
    result: e.result,
    provenance: {
      settings: e.result.settings,
      inputs: [...e.result.inputs, e.ref],
      command: recomputeCommand(e),
    },
  }));
  const { battles } = b.options.inputs;
  if (battles.length === 0) return fromJson;
  const files = battles.map((x) => x.ref.file);
  const result = await ratingsReport({
    files,
    rounds: b.options.bootstrap,
    seed: b.options.seed,
    byJudge: true,
  });
  return [
    ...fromJson,
    {
      result,
      provenance: {
        settings: result.settings,
        inputs: result.inputs,
        command: ratingsCommand(files, b.options.bootstrap, b.options.seed, true, undefined),
      },
    },
  ];
}

export async function ratingsSections(b: ReportBuilder): Promise<void> {
  const sources = await ratingsSources(b);
  if (sources.length === 0) return;
  const language = b.options.language;
  const chart = chartText(language);
  const fig6: string[] = [];
  const fig14: string[] = [];
  const table4: string[] = [];
  for (const [k, { result, provenance }] of sources.entries()) {
    const provenanceBlock = provenanceHtml(provenance, b.text);
    const boards = Object.entries(result.leaderboards);
    const tables = boards
      .map(
        ([name, board]) =>
          `<h3>${escapeHtml(chart.judge(boardLabel(name, board)))}</h3>${htmlTable(ratingsTable(board, b.text), b.text.ratingsTable)}`,
      )
      .join("");
    fig6.push(
      `<figure>${await b.figure(`figure-6-${k + 1}`, ratingsChartSpec(result.leaderboards, language))}</figure>${tables}${provenanceBlock}`,
    );
    const matrices: string[] = [];
    for (const [j, [name, board]] of boards.entries())
      matrices.push(
        await b.figure(
          `figure-14-${k + 1}-${j + 1}`,
          battleMatrixChartSpec(board.matrix, language, chart.judge(boardLabel(name, board))),
        ),
      );
    fig14.push(`<figure><div class="charts">${matrices.join("")}</div></figure>${provenanceBlock}`);
    table4.push(
      boards
        .map(
          ([name, board]) =>
            `<h3>${escapeHtml(chart.judge(boardLabel(name, board)))}</h3>${htmlTable(upvoteTable(board, b.text))}`,
        )
        .join("") + provenanceBlock,
    );
  }
  b.add("figure-6", b.text.fig6, fig6.join(""));
  b.add("figure-14", b.text.fig14, fig14.join(""));
  b.add("table-4", b.text.table4, table4.join(""));
}

const interval = (lower: number | undefined, upper: number | undefined) =>
  lower === undefined || upper === undefined ? "–" : `[${lower.toFixed(1)}, ${upper.toFixed(1)}]`;

/** Figure 6 as numbers; ratings JSON written before Elo had intervals shows "–" there. */
function ratingsTable(board: Leaderboard, text: ReportText): ReportTable {
  return {
    head: [
      text.model,
      text.rank,
      text.btRating,
      text.interval95,
      text.eloRating,
      text.interval95,
      text.battles,
    ],
    rows: board.rows.map((r) => [
      r.model,
      String(r.rank),
      r.rating.toFixed(1),
      interval(r.lower, r.upper),
      r.elo.toFixed(1),
      interval(r.eloLower as number | undefined, r.eloUpper as number | undefined),
      String(r.battles),
    ]),
    numeric: [false, true, true, true, true, true, true],
  };
}

function upvoteTable(board: Leaderboard, text: ReportText): ReportTable {
  return {
    head: [
      text.model,
      text.upvotes,
      text.occurrences,
      text.average,
      text.wins,
      text.ties,
      text.battles,
    ],
    rows: board.upvotes.map((u) => [
      u.model,
      String(u.upvotes),
      String(u.occurrences),
      u.average.toFixed(2),
      String(u.wins),
      String(u.ties),
      String(u.battles),
    ]),
    numeric: [false, true, true, true, true, true, true],
  };
}
