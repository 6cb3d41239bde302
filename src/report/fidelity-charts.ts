import { join } from "node:path";
import type { FidelitySession } from "../evaluation/fidelity/fidelity.js";
import { fidelityHistogramSpec } from "./fidelity-histograms.js";
import { renderChart, type ChartFiles } from "./render-chart.js";

/** Writes Figure 2 (a: vocabulary overlap; b: cosine, when computed) into `dir`. */
export async function writeFidelityCharts(
  sessions: readonly FidelitySession[],
  dir: string,
  embeddingLabel: string | null,
): Promise<ChartFiles[]> {
  const files = [
    await renderChart(
      fidelityHistogramSpec(
        { true: sessions.map((s) => s.overlap), random: sessions.map((s) => s.overlap_random) },
        {
          title: "Vocabulary overlap (Eq. 1), true vs random mapping",
          metric: "vocabulary overlap rate",
        },
      ),
      join(dir, "fidelity-overlap"),
    ),
  ];
  if (embeddingLabel !== null) {
    files.push(
      await renderChart(
        fidelityHistogramSpec(
          { true: sessions.map((s) => s.cosine), random: sessions.map((s) => s.cosine_random) },
          {
            title: `Semantic consistency (Eq. 2, ${embeddingLabel}), true vs random mapping`,
            metric: "cosine similarity",
          },
        ),
        join(dir, "fidelity-cosine"),
      ),
    );
  }
  return files;
}
