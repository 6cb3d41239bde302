import { ofKind, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable } from "../report-page.js";
import type { ReportTable } from "../table-one.js";

function percent(x: number | null): string {
  return x === null ? "–" : `${(100 * x).toFixed(1)}%`;
}

export function agreementSection(b: ReportBuilder): void {
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
