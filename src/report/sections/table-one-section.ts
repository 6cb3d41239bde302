import { statsReport } from "../../evaluation/dialogue-stats/stats-report.js";
import type { SessionStats } from "../../evaluation/dialogue-stats/dialogue-stats.js";
import { ofKind, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable, provenanceHtml } from "../report-page.js";
import { commandLine, type Provenance } from "../report-provenance.js";
import { tableOne } from "../table-one.js";

export async function tableOneSection(b: ReportBuilder): Promise<void> {
  const { datasets } = b.options.inputs;
  const fromJson = ofKind(b.options.inputs.evaluations, "stats");
  const sources: {
    name: string;
    sessions: SessionStats[];
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
