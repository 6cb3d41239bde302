import type { TopLevelSpec } from "vega-lite";
import type { WaiSessionScores } from "../evaluation/wai/wai-scores.js";
import { WAI_FACTORS } from "../evaluation/wai/wai-items.js";

const FACTOR_NAMES = { goal: "Goal", task: "Task", bond: "Bond" } as const;

/** Figure 4: box plots of per-session factor scores (1–7), one box per factor and dataset. */
export function waiBoxplotSpec(
  datasets: readonly { name: string; sessions: readonly WaiSessionScores[] }[],
  title = "WAI-O-S scores",
): TopLevelSpec {
  const rows = datasets.flatMap((d) =>
    d.sessions.flatMap((s) =>
      WAI_FACTORS.filter((f) => s.factors[f] !== null).map((f) => ({
        dataset: d.name,
        factor: FACTOR_NAMES[f],
        score: s.factors[f],
      })),
    ),
  );
  return {
    title,
    width: 360,
    height: 260,
    data: { values: rows },
    mark: { type: "boxplot", extent: 1.5 },
    encoding: {
      x: {
        field: "factor",
        type: "nominal",
        sort: Object.values(FACTOR_NAMES),
        title: null,
        axis: { labelAngle: 0 },
      },
      xOffset: { field: "dataset", type: "nominal", sort: datasets.map((d) => d.name) },
      y: {
        field: "score",
        type: "quantitative",
        scale: { domain: [1, 7] },
        title: "score (1-7, items 4 and 10 reversed)",
      },
      color: { field: "dataset", type: "nominal", sort: datasets.map((d) => d.name), title: null },
    },
  } as TopLevelSpec;
}
