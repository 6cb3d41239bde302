import type { TopLevelSpec } from "vega-lite";
import type { Language } from "../core/language.js";
import type { InputFileRef } from "../evaluation/evaluation-result.js";
import type { GroupComparison } from "../evaluation/statistics/compare-groups.js";
import type { TTest } from "../evaluation/statistics/t-test.js";
import type { BrowserDataset } from "./browser-data.js";
import { formatP, TEST_LABELS } from "./comparison-table.js";
import { datasetName } from "./evaluation-summaries.js";
import { renderChartSvg } from "./render-chart.js";
import type { LoadedEvaluation, ReportInputs } from "./report-inputs.js";
import { escapeHtml, figureHtml, provenanceHtml, type PageSection } from "./report-page.js";
import { recomputeCommand } from "./report-provenance.js";
import { fill, reportText, type ReportText } from "./report-text.js";
import type { ReportTable } from "./table-one.js";

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

export function ofKind<K extends LoadedEvaluation["kind"]>(
  evaluations: readonly LoadedEvaluation[],
  kind: K,
): Evaluation<K>[] {
  return evaluations.filter((e): e is Evaluation<K> => e.kind === kind);
}

export function meanSd(s: GroupComparison["a"], digits = 3): string {
  return s.mean === null
    ? "–"
    : `${s.mean.toFixed(digits)} ± ${s.sd === null ? "–" : s.sd.toFixed(digits)} (${s.n})`;
}

/** Everything one `psysim report` run draws, in page order. */
export class ReportBuilder {
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

  /** A dialogue file's --dataset name when the report was given the same content, else `fallback`. */
  nameFor(ref: InputFileRef | undefined, fallback: string): string {
    return (ref && this.byHash.get(ref.sha256)) ?? fallback;
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

  /** The sessions the browser section shows, also used to pick the cards the page embeds. */
  browserData: BrowserDataset[] = [];

  add(id: string, title: string, html: string): void {
    this.sections.push({ id, title, html });
  }
}

/** Results written before `--test` existed hold a Welch test under `welch`. */
export function testOf(c: GroupComparison): TTest {
  const old = (c as { welch?: Omit<TTest, "test"> }).welch;
  return c.test ?? { test: "welch", ...old! };
}

export function comparisonTable(
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

export function judgeNote(settings: Record<string, unknown>, text: ReportText): string {
  return `${escapeHtml(text.judge)}: <code>${escapeHtml(String(settings["judge"]))}</code>${
    settings["judge_baseline"] ? ` <span class="badge">${escapeHtml(text.baselineNote)}</span>` : ""
  }`;
}
