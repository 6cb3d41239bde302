import { join } from "node:path";
import type { Language } from "../core/language.js";
import type { FidelitySession } from "../evaluation/fidelity/fidelity.js";
import { fidelityHistogramSpec } from "./fidelity-histograms.js";
import { renderChart, type ChartFiles } from "./render-chart.js";

/** Writes Figure 2 (a: vocabulary overlap; b: cosine, when computed) into `dir`. */
export async function writeFidelityCharts(
  sessions: readonly FidelitySession[],
  dir: string,
  embedding: { label: string; baseline: boolean } | null,
  language: Language,
): Promise<ChartFiles[]> {
  const files = [
    await renderChart(
      fidelityHistogramSpec(
        { true: sessions.map((s) => s.overlap), random: sessions.map((s) => s.overlap_random) },
        { metric: "overlap", language },
      ),
      join(dir, "fidelity-overlap"),
    ),
  ];
  if (embedding !== null) {
    files.push(
      await renderChart(
        fidelityHistogramSpec(
          { true: sessions.map((s) => s.cosine), random: sessions.map((s) => s.cosine_random) },
          { metric: "cosine", language, embedding },
        ),
        join(dir, "fidelity-cosine"),
      ),
    );
  }
  return files;
}
