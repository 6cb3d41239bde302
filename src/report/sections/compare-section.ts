import { ofKind, comparisonTable, judgeNote, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable } from "../report-page.js";
import { fill } from "../report-text.js";

/**
 * `psysim compare --json` results: one table per comparison with each metric's means, the
 * test it used, p and Cohen's d, and the judges (a rule-based one labelled as such).
 */
export function compareSection(b: ReportBuilder): void {
  const runs = ofKind(b.options.inputs.evaluations, "compare");
  if (runs.length === 0) return;
  const t = b.text;
  const parts = runs.map((run) => {
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
    for (const key of ["wai", "topics"] as const) {
      const judged = settings[key] as Record<string, unknown> | undefined;
      if (judged) notes.push(`${key === "wai" ? "WAI-O-S" : "topics"} · ${judgeNote(judged, t)}`);
    }
    return `<h3>${escapeHtml(fill(t.comparisonOf, { a: names[0], b: names[1] }))}</h3>${htmlTable(
      comparisonTable(rows, names, b),
    )}${notes.map((n) => `<p class="note">${n}</p>`).join("")}${b.provenance(run)}`;
  });
  b.add("comparison", t.comparison, parts.join(""));
}
