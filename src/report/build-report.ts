import { PSYSIM_VERSION } from "../core/version.js";
import { roleCardText } from "../prompts/role-card-text.js";
import { ReportBuilder, type BuildReportOptions, type BuiltReport } from "./report-builder.js";
import { escapeHtml, pageHtml } from "./report-page.js";
import { commandLine } from "./report-provenance.js";
import { fill } from "./report-text.js";
import { REPORT_SECTIONS } from "./sections/index.js";

export type { BuildReportOptions, BuiltReport, ReportFigure } from "./report-builder.js";

/**
 * `psysim report`: every table and figure the inputs allow, in the paper's order, as one
 * self-contained HTML page (inline CSS, inline SVG, data as JSON, one inline script).
 */
export async function buildReport(options: BuildReportOptions): Promise<BuiltReport> {
  const b = new ReportBuilder(options);
  for (const section of REPORT_SECTIONS) await section(b);
  const datasets = b.browserData;
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
    data: {
      ui: b.text,
      datasets: datasets.map(({ name, sessions }) => ({ name, sessions })),
      cards,
    },
    dialogues: datasets.map((d) => d.dialogues),
    text: b.text,
  });
  return { html, figures: b.figures };
}
