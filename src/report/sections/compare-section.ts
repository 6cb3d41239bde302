import type { ComparedDataset } from "../../evaluation/compare-sides.js";
import { ofKind, comparisonTable, judgeNote, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable } from "../report-page.js";
import { fill } from "../report-text.js";
import { stageSharesSpec } from "../stage-shares-chart.js";
import { safetyText } from "./safety-text.js";

const JUDGED = [
  ["wai", { en: "WAI-O-S", zh: "WAI-O-S" }],
  ["topics", { en: "topics", zh: "话题" }],
  ["stages", { en: "Hill's stages", zh: "Hill 三阶段" }],
  ["safety", { en: "safety", zh: "安全" }],
] as const;

const STAGES_UNLABELLED = {
  en: "stages: {name}: {n} counselor turns without a readable stage, left out of every stage row.",
  zh: "阶段：{name} 有 {n} 条咨询师发言没有可读的阶段标签，不计入任何阶段指标。",
};

/** With `compare --safety`: the honesty note, and why a rate is missing rather than 0 (as HTML paragraphs). */
function safetyNotes(
  datasets: readonly [ComparedDataset, ComparedDataset],
  names: readonly [string, string],
  settings: Record<string, unknown>,
  b: ReportBuilder,
): string[] {
  if (!datasets.some((d) => d.safety)) return [];
  const t = safetyText(b.options.language);
  const notes = datasets.flatMap((d, i) => [
    ...(d.safety && d.safety.episodes === 0 ? [escapeHtml(t.compareNoRisk(names[i]!))] : []),
    ...(d.safety && d.safety.unlabelled > 0
      ? [escapeHtml(t.compareUnlabelled(names[i]!, d.safety.unlabelled))]
      : []),
  ]);
  if ((settings["safety"] as { judge_baseline?: boolean } | undefined)?.judge_baseline)
    notes.push(escapeHtml(t.compareNotJudged));
  return [
    `<p class="caution">${escapeHtml(t.caution)}</p>`,
    ...notes.map((n) => `<p class="note">${n}</p>`),
  ];
}

/**
 * `psysim compare --json` results: one table per comparison with each metric's means, the
 * test it used, p and Cohen's d, and the judges (a rule-based one labelled as such).
 */
export async function compareSection(b: ReportBuilder): Promise<void> {
  const runs = ofKind(b.options.inputs.evaluations, "compare");
  if (runs.length === 0) return;
  const t = b.text;
  const parts = [];
  for (const [k, run] of runs.entries()) {
    const { inputs, settings, aggregates } = run.result;
    const [a, c] = aggregates.datasets;
    const names: [string, string] = [
      b.nameFor(
        inputs.find((r) => r.role === "dialogues-a"),
        a.name,
      ),
      b.nameFor(
        inputs.find((r) => r.role === "dialogues-b"),
        c.name,
      ),
    ];
    const rows = aggregates.metrics.map((m) => ({
      metric: m.unit === "round" ? `${m.metric} (${t.roundsUnit})` : m.metric,
      comparison: m.comparison,
    }));
    const notes: string[] = [escapeHtml(t.comparisonNote)];
    const skipped = settings["languages_not_compared"];
    if (Array.isArray(skipped) && skipped.length > 0)
      notes.push(escapeHtml(fill(t.notCompared, { languages: skipped.join(", ") })));
    if (typeof settings["pairing"] === "string")
      notes.push(escapeHtml(fill(t.pairing, { pairing: settings["pairing"] })));
    aggregates.datasets.forEach((d, i) => {
      if (d.stages && d.stages.unlabelled > 0)
        notes.push(
          escapeHtml(
            fill(STAGES_UNLABELLED[b.options.language], {
              name: names[i]!,
              n: d.stages.unlabelled,
            }),
          ),
        );
    });
    for (const [key, label] of JUDGED) {
      const judged = settings[key] as Record<string, unknown> | undefined;
      if (judged) notes.push(`${label[b.options.language]} · ${judgeNote(judged, t)}`);
    }
    // `compare --stages`: both datasets' stage share by tenth, as `compare --plots` draws it.
    const figure =
      a.stages && c.stages
        ? `<figure>${await b.figure(
            `compare-stages-${k + 1}`,
            stageSharesSpec(
              [
                { name: names[0], share_by_tenth: a.stages.share_by_tenth },
                { name: names[1], share_by_tenth: c.stages.share_by_tenth },
              ],
              b.options.language,
              { stacked: true },
            ),
          )}</figure>`
        : "";
    parts.push(
      `<h3>${escapeHtml(fill(t.comparisonOf, { a: names[0], b: names[1] }))}</h3>${htmlTable(
        comparisonTable(rows, names, b),
      )}${figure}${notes.map((n) => `<p class="note">${n}</p>`).join("")}${safetyNotes(
        aggregates.datasets,
        names,
        settings,
        b,
      ).join("")}${b.provenance(run)}`,
    );
  }
  b.add("comparison", t.comparison, parts.join(""));
}
