import type { TopLevelSpec } from "vega-lite";

export interface MappingValues {
  /** Per-session values under each session's own card. */
  true: readonly (number | null)[];
  /** Per-session values under the random-mapping control. */
  random: readonly (number | null)[];
}

const GROUPS = ["true mapping", "random mapping"];

/**
 * Figure 2: overlaid histograms of one fidelity metric for the true and the random
 * mapping, on shared bins so the two shapes can be compared directly.
 */
export function fidelityHistogramSpec(
  values: MappingValues,
  options: { title: string; metric: string },
): TopLevelSpec {
  const rows = [
    ...values.true
      .filter((v): v is number => v !== null)
      .map((value) => ({ group: GROUPS[0], value })),
    ...values.random
      .filter((v): v is number => v !== null)
      .map((value) => ({ group: GROUPS[1], value })),
  ];
  return {
    title: options.title,
    width: 420,
    height: 240,
    data: { values: rows },
    mark: { type: "bar", opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: { field: "value", type: "quantitative", bin: { maxbins: 30 }, title: options.metric },
      y: { aggregate: "count", type: "quantitative", stack: null, title: "sessions" },
      color: {
        field: "group",
        type: "nominal",
        scale: { domain: GROUPS, range: ["#1f77b4", "#ff7f0e"] },
        title: null,
      },
    },
  };
}
