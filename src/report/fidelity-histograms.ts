import type { TopLevelSpec } from "vega-lite";
import type { Language } from "../core/language.js";
import { chartText } from "./chart-text.js";

export interface MappingValues {
  /** Per-session values under each session's own card. */
  true: readonly (number | null)[];
  /** Per-session values under the random-mapping control. */
  random: readonly (number | null)[];
}

export interface FidelityHistogramOptions {
  /** Eq. 1 (vocabulary overlap) or Eq. 2 (cosine similarity of embeddings). */
  metric: "overlap" | "cosine";
  language: Language;
  /** The embedding model of Eq. 2, shown under the title. */
  embedding?: { label: string; baseline: boolean };
}

function present(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null);
}

/**
 * Figure 2: overlaid histograms of one fidelity metric for the true and the random
 * mapping, on shared bins so the two shapes can be compared directly.
 */
export function fidelityHistogramSpec(
  values: MappingValues,
  options: FidelityHistogramOptions,
): TopLevelSpec {
  const text = chartText(options.language);
  const truth = present(values.true);
  const random = present(values.random);
  const groups = [
    `${text.trueMapping} (n = ${truth.length})`,
    `${text.randomMapping} (n = ${random.length})`,
  ];
  const rows = [
    ...truth.map((value) => ({ group: groups[0], value })),
    ...random.map((value) => ({ group: groups[1], value })),
  ];
  const cosine = options.metric === "cosine";
  return {
    title: {
      text: cosine ? text.cosineTitle : text.overlapTitle,
      ...(cosine && options.embedding
        ? { subtitle: text.embedding(options.embedding.label, options.embedding.baseline) }
        : {}),
    },
    width: 420,
    height: 220,
    data: { values: rows },
    mark: { type: "bar", opacity: 0.6, binSpacing: 0 },
    encoding: {
      x: {
        field: "value",
        type: "quantitative",
        bin: { maxbins: 30 },
        title: cosine ? text.cosineAxis : text.overlapAxis,
        // Bin edges make many ticks; keep a gap between labels rather than let them touch.
        axis: { labelSeparation: 6 },
      },
      y: {
        aggregate: "count",
        type: "quantitative",
        stack: null,
        title: text.sessions,
        axis: { format: "d", tickMinStep: 1 },
      },
      color: {
        field: "group",
        type: "nominal",
        scale: { domain: groups, range: ["#1f77b4", "#e6550d"] },
        title: null,
        legend: { orient: "bottom", direction: "horizontal" },
      },
    },
  } as TopLevelSpec;
}
