import { chartText } from "../chart-text.js";
import { fidelityHistogramSpec } from "../fidelity-histograms.js";
import { comparisonTable, ofKind, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable } from "../report-page.js";

export async function fidelitySection(b: ReportBuilder): Promise<void> {
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
