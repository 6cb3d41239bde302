import type { TopLevelSpec } from "vega-lite";
import { ratingsReport, type RatingsResult } from "../arena/ratings-report.js";
import type { Leaderboard } from "../arena/leaderboard.js";
import type { Language } from "../core/language.js";
import { PSYSIM_VERSION } from "../core/version.js";
import { roleCardText } from "../prompts/role-card-text.js";
import { statsReport } from "../evaluation/dialogue-stats/stats-report.js";
import type { InputFileRef } from "../evaluation/evaluation-result.js";
import type { GroupComparison } from "../evaluation/statistics/compare-groups.js";
import { WAI_FACTORS } from "../evaluation/wai/wai-items.js";
import { battleMatrixChartSpec } from "./battle-matrix-chart.js";
import { browserDataset, type BrowserDataset } from "./browser-data.js";
import { chartText } from "./chart-text.js";
import { formatP, TEST_LABELS } from "./comparison-table.js";
import type { TTest } from "../evaluation/statistics/t-test.js";
import { datasetName } from "./evaluation-summaries.js";
import { fidelityHistogramSpec } from "./fidelity-histograms.js";
import { boardLabel, ratingsChartSpec } from "./ratings-chart.js";
import { renderChartSvg } from "./render-chart.js";
import type { LoadedEvaluation, ReportInputs } from "./report-inputs.js";
import {
  escapeHtml,
  figureHtml,
  htmlTable,
  pageHtml,
  provenanceHtml,
  type PageSection,
} from "./report-page.js";
import {
  commandLine,
  ratingsCommand,
  recomputeCommand,
  type Provenance,
} from "./report-provenance.js";
import { fill, reportText, type ReportText } from "./report-text.js";
import type { ReportTable } from "./table-one.js";
import { tableOne } from "./table-one.js";
import { topicBarsSpec } from "./topic-bars.js";
import { waiBoxplotSpec } from "./wai-boxplots.js";
import { clientEffectsSection } from "./client-effects-section.js";

export interface BuildReportOptions {
  inputs: ReportInputs;
  language: Language;
  title?: string;
  /** Bootstrap rounds and seed for rating battle files (ratings JSON files carry their own). */
  bootstrap: number;
  seed: number;
  /** The argv after `psysim` that made this report, shown at the top. */
  argv: readonly string[];
}

/** A figure as drawn into the page, kept so the CLI can also write it as SVG and PNG. */
export interface ReportFigure {
  name: string;
  svg: string;
}

export interface BuiltReport {
  html: string;
  figures: ReportFigure[];
}

type Evaluation<K extends LoadedEvaluation["kind"]> = Extract<LoadedEvaluation, { kind: K }>;

function ofKind<K extends LoadedEvaluation["kind"]>(
  evaluations: readonly LoadedEvaluation[],
  kind: K,
): Evaluation<K>[] {
  return evaluations.filter((e): e is Evaluation<K> => e.kind === kind);
}

function meanSd(s: GroupComparison["a"], digits = 3): string {
  return s.mean === null
    ? "–"
    : `${s.mean.toFixed(digits)} ± ${s.sd === null ? "–" : s.sd.toFixed(digits)} (${s.n})`;
}

/** Everything one `psysim report` run draws, in page order. */
class ReportBuilder {
  readonly text: ReportText;
  readonly figures: ReportFigure[] = [];
  readonly sections: PageSection[] = [];
  private readonly byHash = new Map<string, string>();

  constructor(readonly options: BuildReportOptions) {
    this.text = reportText(options.language);
    for (const d of options.inputs.datasets) this.byHash.set(d.ref.sha256, d.name);
  }

  /** The dataset an evaluation was run on: the --dataset with the same content, else the file's name. */
  datasetOf(inputs: readonly InputFileRef[]): string {
    const dialogues = inputs.find((r) => r.role === "dialogues");
    if (!dialogues) return "?";
    return this.byHash.get(dialogues.sha256) ?? datasetName(dialogues.file);
  }

  async figure(name: string, spec: TopLevelSpec): Promise<string> {
    const svg = await renderChartSvg(spec);
    this.figures.push({ name, svg });
    return figureHtml(name, svg, name, this.text);
  }

  provenance(evaluation: LoadedEvaluation): string {
    const result = evaluation.result as { settings: unknown; inputs: unknown };
    const inputs = Array.isArray(result.inputs) ? (result.inputs as InputFileRef[]) : [];
    return provenanceHtml(
      {
        settings: result.settings,
        inputs: [...inputs, evaluation.ref],
        command: recomputeCommand(evaluation),
      },
      this.text,
    );
  }

  add(id: string, title: string, html: string): void {
    this.sections.push({ id, title, html });
  }
}

async function tableOneSection(b: ReportBuilder): Promise<void> {
  const { datasets } = b.options.inputs;
  const fromJson = ofKind(b.options.inputs.evaluations, "stats");
  const sources: {
    name: string;
    sessions: import("../evaluation/dialogue-stats/dialogue-stats.js").SessionStats[];
  }[] = [];
  const blocks: string[] = [];
  if (datasets.length > 0) {
    const stats = await statsReport(datasets.map((d) => d.ref.file));
    stats.aggregates.forEach((a, i) =>
      sources.push({ name: datasets[i]!.name, sessions: stats.sessions[a.name] ?? [] }),
    );
    const provenance: Provenance = {
      settings: stats.settings,
      inputs: datasets.map((d) => d.ref),
      command: commandLine(["stats", ...datasets.map((d) => d.ref.file)]),
    };
    blocks.push(provenanceHtml(provenance, b.text));
  }
  const known = new Set(datasets.map((d) => d.ref.sha256));
  for (const evaluation of fromJson) {
    const fresh = evaluation.result.inputs.filter((r) => !known.has(r.sha256));
    if (fresh.length === 0) continue;
    for (const a of evaluation.result.aggregates) {
      const ref = evaluation.result.inputs.find((r) => r.file === a.file);
      if (ref && known.has(ref.sha256)) continue;
      sources.push({ name: a.name, sessions: evaluation.result.sessions[a.name] ?? [] });
    }
    blocks.push(b.provenance(evaluation));
  }
  if (sources.length === 0) return;
  b.add(
    "table-1",
    b.text.table1,
    `${htmlTable(tableOne(sources, b.text))}<p class="note">${escapeHtml(b.text.table1Note)}</p>${blocks.join("")}`,
  );
}

/** Results written before `--test` existed hold a Welch test under `welch`. */
function testOf(c: GroupComparison): TTest {
  const old = (c as { welch?: Omit<TTest, "test"> }).welch;
  return c.test ?? { test: "welch", ...old! };
}

function comparisonTable(
  rows: { metric: string; comparison: GroupComparison }[],
  groups: [string, string],
  b: ReportBuilder,
): ReportTable {
  const tests = new Set(rows.map((r) => testOf(r.comparison).test));
  return {
    head: [
      b.text.metric,
      fill(b.text.meanSd, { group: groups[0] }),
      fill(b.text.meanSd, { group: groups[1] }),
      fill(b.text.pValue, {
        test: tests.size === 1 ? TEST_LABELS[[...tests][0]!] : "t-test",
      }),
      b.text.cohensD,
    ],
    rows: rows.map(({ metric, comparison: c }) => [
      metric,
      meanSd(c.a),
      meanSd(c.b),
      formatP(testOf(c).p) + (tests.size > 1 ? ` (${TEST_LABELS[testOf(c).test]})` : ""),
      c.cohens_d === null ? "–" : c.cohens_d.toFixed(2),
    ]),
    numeric: [false, true, true, true, true],
  };
}

async function fidelitySection(b: ReportBuilder): Promise<void> {
  const language = b.options.language;
  const chart = chartText(language);
  const parts: string[] = [];
  for (const [k, evaluation] of ofKind(b.options.inputs.evaluations, "fidelity").entries()) {
    const { sessions, aggregates, settings } = evaluation.result;
    const name = b.datasetOf(evaluation.result.inputs);
    const embedding = settings["embedding"] as { model: string; baseline?: boolean } | null;
    const charts = [
      await b.figure(
        `figure-2a-${k + 1}`,
        fidelityHistogramSpec(
          { true: sessions.map((s) => s.overlap), random: sessions.map((s) => s.overlap_random) },
          { metric: "overlap", language },
        ),
      ),
    ];
    const rows = [{ metric: chart.overlapAxis, comparison: aggregates.overlap }];
    if (aggregates.cosine && embedding) {
      charts.push(
        await b.figure(
          `figure-2b-${k + 1}`,
          fidelityHistogramSpec(
            { true: sessions.map((s) => s.cosine), random: sessions.map((s) => s.cosine_random) },
            {
              metric: "cosine",
              language,
              embedding: { label: embedding.model, baseline: embedding.baseline === true },
            },
          ),
        ),
      );
      rows.push({ metric: chart.cosineAxis, comparison: aggregates.cosine });
    }
    parts.push(
      `<h3>${escapeHtml(name)}</h3><figure><div class="charts">${charts.join("")}</div></figure>${htmlTable(
        comparisonTable(rows, [chart.trueMapping, chart.randomMapping], b),
      )}${b.provenance(evaluation)}`,
    );
  }
  if (parts.length > 0) b.add("figure-2", b.text.fig2, parts.join(""));
}

function judgeNote(settings: Record<string, unknown>, text: ReportText): string {
  return `${escapeHtml(text.judge)}: <code>${escapeHtml(String(settings["judge"]))}</code>${
    settings["judge_baseline"] ? ` <span class="badge">${escapeHtml(text.baselineNote)}</span>` : ""
  }`;
}

async function topicsSection(b: ReportBuilder): Promise<void> {
  const topics = ofKind(b.options.inputs.evaluations, "topics");
  if (topics.length === 0) return;
  const named = topics.map((e) => ({ name: b.datasetOf(e.result.inputs), evaluation: e }));
  const chart = await b.figure(
    "figure-3",
    topicBarsSpec(
      named.map((n) => ({
        name: n.name,
        distribution: n.evaluation.result.aggregates.distribution,
      })),
      b.options.language,
    ),
  );
  const entropy: ReportTable = {
    head: [b.text.dataset, b.text.limited, b.text.unlimited, b.text.judge],
    rows: named.map(({ name, evaluation }) => [
      name,
      meanSd(evaluation.result.aggregates.entropy_limited),
      meanSd(evaluation.result.aggregates.entropy_unlimited),
      String(evaluation.result.settings["judge"]),
    ]),
    numeric: [false, true, true, false],
  };
  b.add(
    "figure-3",
    b.text.fig3,
    `<figure>${chart}</figure><h3>${escapeHtml(b.text.entropy)}</h3>${htmlTable(entropy)}${named
      .map(
        ({ name, evaluation }) =>
          `<p class="note">${escapeHtml(name)} · ${judgeNote(evaluation.result.settings, b.text)}</p>${b.provenance(evaluation)}`,
      )
      .join("")}`,
  );
}

async function waiSection(b: ReportBuilder): Promise<void> {
  const wai = ofKind(b.options.inputs.evaluations, "wai");
  if (wai.length === 0) return;
  const chart = chartText(b.options.language);
  const named = wai.map((e) => ({ name: b.datasetOf(e.result.inputs), evaluation: e }));
  const figure = await b.figure(
    "figure-4",
    waiBoxplotSpec(
      named.map((n) => ({ name: n.name, sessions: n.evaluation.result.sessions })),
      b.options.language,
    ),
  );
  const table: ReportTable = {
    head: [b.text.dataset, ...WAI_FACTORS.map((f) => chart.waiFactors[f]), "WAI-O-S"],
    rows: named.map(({ name, evaluation }) => [
      name,
      ...WAI_FACTORS.map((f) => meanSd(evaluation.result.aggregates.factors[f])),
      meanSd(evaluation.result.aggregates.total),
    ]),
    numeric: [false, true, true, true, true],
  };
  b.add(
    "figure-4",
    b.text.fig4,
    `<figure>${figure}</figure>${htmlTable(table)}${named
      .map(
        ({ name, evaluation }) =>
          `<p class="note">${escapeHtml(name)} · ${judgeNote(evaluation.result.settings, b.text)}</p>${b.provenance(evaluation)}`,
      )
      .join("")}`,
  );
}

/** Figure 5: the first card two datasets share, the first turns of one session from each. */
function sideBySideSection(b: ReportBuilder): void {
  const [first, second] = b.options.inputs.datasets;
  if (!first || !second) return;
  const inSecond = new Map(
    second.dialogues.filter((d) => d.role_card_id).map((d) => [d.role_card_id!, d]),
  );
  const left = first.dialogues.find((d) => d.role_card_id && inSecond.has(d.role_card_id));
  if (!left) return;
  const right = inSecond.get(left.role_card_id!)!;
  const card = b.options.inputs.cards.get(left.role_card_id!);
  const turns = 6;
  const column = (name: string, dialogue: typeof left) =>
    `<section><h4>${escapeHtml(name)} · ${escapeHtml(dialogue.id)}</h4><ol class="dialogue">${dialogue.turns
      .slice(0, turns)
      .map(
        (t) =>
          `<li class="${t.role}"><span class="who">${escapeHtml(t.role === "client" ? b.text.client : b.text.counselor)}</span><span class="text">${escapeHtml(t.content)}</span></li>`,
      )
      .join("")}</ol></section>`;
  b.add(
    "figure-5",
    b.text.fig5,
    `<p class="note">${escapeHtml(b.text.fig5Note)}</p>${
      card
        ? `<h4>${escapeHtml(b.text.card)} ${escapeHtml(left.role_card_id!)}</h4><div class="card-text">${escapeHtml(roleCardText(card))}</div>`
        : ""
    }<div class="pair">${column(first.name, left)}${column(second.name, right)}</div>`,
  );
}

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

async function ratingsSections(b: ReportBuilder): Promise<void> {
  const sources = await ratingsSources(b);
  if (sources.length === 0) return;
  const language = b.options.language;
  const chart = chartText(language);
  const fig6: string[] = [];
  const fig14: string[] = [];
  const table4: string[] = [];
  for (const [k, { result, provenance }] of sources.entries()) {
    const provenanceBlock = provenanceHtml(provenance, b.text);
    fig6.push(
      `<figure>${await b.figure(`figure-6-${k + 1}`, ratingsChartSpec(result.leaderboards, language))}</figure>${provenanceBlock}`,
    );
    const boards = Object.entries(result.leaderboards);
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

function percent(x: number | null): string {
  return x === null ? "–" : `${(100 * x).toFixed(1)}%`;
}

function agreementSection(b: ReportBuilder): void {
  const runs = ofKind(b.options.inputs.evaluations, "judge-agreement");
  if (runs.length === 0) return;
  const t = b.text;
  const summary: ReportTable = {
    head: [
      t.judge,
      t.reference,
      t.compared,
      t.missing,
      t.accuracy,
      t.kappa,
      t.positionFlips,
      t.longerWon,
    ],
    rows: runs.map(({ result: r }) => [
      r.judge,
      r.referenceJudges.join(", "),
      String(r.agreement.compared),
      String(r.agreement.missing),
      percent(r.agreement.accuracy),
      r.agreement.kappa === null ? "–" : r.agreement.kappa.toFixed(3),
      r.bias.flipRate === null ? "–" : `${r.bias.flips} / ${r.bias.bothOrders}`,
      percent(r.bias.longerWonRate),
    ]),
    numeric: [false, false, true, true, true, true, true, true],
  };
  const confusions = runs.map((run) => {
    const c = run.result.agreement.confusion;
    const labels = [
      ...new Set([...Object.keys(c), ...Object.values(c).flatMap((row) => Object.keys(row))]),
    ].sort();
    const table: ReportTable = {
      head: ["", ...labels],
      rows: labels.map((ref) => [ref, ...labels.map((j) => String(c[ref]?.[j] ?? 0))]),
      numeric: [false, ...labels.map(() => true)],
    };
    return `<h3>${escapeHtml(run.result.judge)}</h3>${htmlTable(table, t.confusion)}${b.provenance(run)}`;
  });
  b.add("agreement", t.agreement, htmlTable(summary) + confusions.join(""));
}

function browserSection(b: ReportBuilder): BrowserDataset[] {
  const { datasets, evaluations } = b.options.inputs;
  if (datasets.length === 0) return [];
  const chart = chartText(b.options.language);
  const t = b.text;
  const metricNames: Record<string, string> = {
    overlap: chart.overlapAxis,
    cosine: chart.cosineAxis,
    wai: "WAI-O-S",
    ...Object.fromEntries(WAI_FACTORS.map((f) => [`wai_${f}`, `WAI-O-S ${chart.waiFactors[f]}`])),
  };
  const perDataset = new Map<string, Map<string, Record<string, number | null>>>();
  const set = (dataset: string, id: string, key: string, value: number | null) => {
    const sessions = perDataset.get(dataset) ?? new Map<string, Record<string, number | null>>();
    perDataset.set(dataset, sessions);
    sessions.set(id, { ...sessions.get(id), [key]: value });
  };
  const used = new Set<string>();
  for (const e of ofKind(evaluations, "fidelity")) {
    const name = b.datasetOf(e.result.inputs);
    for (const s of e.result.sessions) {
      set(name, s.dialogue_id, "overlap", s.overlap);
      used.add("overlap");
      if (s.cosine !== null) {
        set(name, s.dialogue_id, "cosine", s.cosine);
        used.add("cosine");
      }
    }
  }
  for (const e of ofKind(evaluations, "wai")) {
    const name = b.datasetOf(e.result.inputs);
    for (const s of e.result.sessions) {
      set(name, s.dialogue_id, "wai", s.total);
      for (const f of WAI_FACTORS) set(name, s.dialogue_id, `wai_${f}`, s.factors[f]);
      used.add("wai");
      for (const f of WAI_FACTORS) used.add(`wai_${f}`);
    }
  }
  const data = datasets.map((d) =>
    browserDataset(d.name, d.dialogues, perDataset.get(d.name) ?? new Map()),
  );
  const endings = [...new Set(data.flatMap((d) => d.sessions.map((s) => s.ended)))].sort();
  const option = (value: string, label: string) =>
    `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;
  const metrics = Object.keys(metricNames).filter((k) => used.has(k));
  const range = (id: string) =>
    `<span class="range"><input id="${id}-min" type="number" step="any" placeholder="${escapeHtml(t.minPlaceholder)}" aria-label="${escapeHtml(t.minPlaceholder)}"><input id="${id}-max" type="number" step="any" placeholder="${escapeHtml(t.maxPlaceholder)}" aria-label="${escapeHtml(t.maxPlaceholder)}"></span>`;
  const compare =
    data.length > 1
      ? `<h3>${escapeHtml(t.compareTitle)}</h3><form id="compare-form" class="compare" onsubmit="return false"><label>${escapeHtml(t.compareA)}<select id="c-a">${data.map((d, i) => option(String(i), d.name)).join("")}</select></label><label>${escapeHtml(t.compareB)}<select id="c-b">${data.map((d, i) => `<option value="${i}"${i === 1 ? " selected" : ""}>${escapeHtml(d.name)}</option>`).join("")}</select></label><label class="wide">${escapeHtml(t.compareCard)}<select id="c-card"></select></label></form><p id="c-none" class="note" hidden>${escapeHtml(t.noSharedCard)}</p><div id="compare-view"></div>`
      : "";
  b.add(
    "browser",
    t.browser,
    `<p class="print-only note">${escapeHtml(t.printNote)}</p><noscript><p class="note">${escapeHtml(t.noScript)}</p></noscript>
<div id="browser">
<form id="browser-filters">
<label>${escapeHtml(t.dataset)}<select id="f-dataset">${option("", t.any)}${data.map((d, i) => option(String(i), d.name)).join("")}</select></label>
<label>${escapeHtml(t.language)}<select id="f-language">${option("", t.any)}${option("zh", "zh")}${option("en", "en")}</select></label>
<label>${escapeHtml(t.endedByFilter)}<select id="f-ended">${option("", t.any)}${endings.map((e) => option(e, e)).join("")}</select></label>
<label>${escapeHtml(t.turnsFilter)}${range("f-turns")}</label>
<label>${escapeHtml(t.rejMin)}<input id="f-rej-min" type="number" min="0" step="1"></label>
<label>${escapeHtml(t.metricFilter)}<select id="f-metric">${option("", t.none)}${metrics.map((m) => option(m, metricNames[m]!)).join("")}</select>${range("f-metric")}</label>
<label class="wide">${escapeHtml(t.search)}<input id="f-search" type="search"></label>
<button type="submit">${escapeHtml(t.apply)}</button>
</form>
<div class="pager"><span id="result-count" role="status"></span><button type="button" id="page-prev">${escapeHtml(t.prev)}</button><span id="page-label"></span><button type="button" id="page-next">${escapeHtml(t.next)}</button></div>
<div class="table-scroll"><table id="sessions-table" class="sessions"><thead><tr><th>${escapeHtml(t.session)}</th><th>${escapeHtml(t.dataset)}</th><th>${escapeHtml(t.language)}</th><th class="num">${escapeHtml(t.turnsCol)}</th><th>${escapeHtml(t.endedByFilter)}</th><th class="num">${escapeHtml(t.rejCol)}</th><th class="num" id="metric-head"></th></tr></thead><tbody></tbody></table></div>
<div id="session-view" hidden></div>
${compare}
</div>`,
  );
  return data;
}

function inputsSection(b: ReportBuilder): void {
  const { datasets, battles, cardRefs, evaluations } = b.options.inputs;
  const refs = [
    ...datasets.map((d) => ({ name: d.name, ref: d.ref })),
    ...battles.map((x) => ({ name: "", ref: x.ref })),
    ...cardRefs.map((ref) => ({ name: "", ref })),
    ...evaluations.map((e) => ({ name: e.kind, ref: e.ref })),
  ];
  const table: ReportTable = {
    head: [b.text.role, "", b.text.file, b.text.records, b.text.sha256],
    rows: refs.map(({ name, ref }) => [
      ref.role,
      name,
      ref.file,
      ref.records === undefined ? "" : String(ref.records),
      ref.sha256,
    ]),
    numeric: [false, false, false, true, false],
  };
  b.add(
    "inputs",
    b.text.inputs,
    htmlTable(table).replace(/<td>([0-9a-f]{64})<\/td>/g, '<td class="hash mono">$1</td>'),
  );
}

/**
 * `psysim report`: every table and figure the inputs allow, in the paper's order, as one
 * self-contained HTML page (inline CSS, inline SVG, data as JSON, one inline script).
 */
export async function buildReport(options: BuildReportOptions): Promise<BuiltReport> {
  const b = new ReportBuilder(options);
  await tableOneSection(b);
  await fidelitySection(b);
  await topicsSection(b);
  await waiSection(b);
  clientEffectsSection(b);
  sideBySideSection(b);
  await ratingsSections(b);
  agreementSection(b);
  const datasets = browserSection(b);
  inputsSection(b);
  const cards: Record<string, string> = {};
  const used = new Set(datasets.flatMap((d) => d.sessions.map((s) => s.card)));
  for (const [id, card] of options.inputs.cards) if (used.has(id)) cards[id] = roleCardText(card);
  const title = options.title ?? b.text.title;
  const lead = `${escapeHtml(
    fill(b.text.generated, {
      version: PSYSIM_VERSION,
      date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    }),
  )}<br><code>${escapeHtml(commandLine(options.argv))}</code>`;
  const html = pageHtml({
    language: options.language,
    title,
    lead,
    sections: b.sections,
    data: { ui: b.text, datasets, cards },
    text: b.text,
  });
  return { html, figures: b.figures };
}
