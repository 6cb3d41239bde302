import type { TopLevelSpec } from "vega-lite";
import type { WaiSessionScores } from "../evaluation/wai/wai-scores.js";
import { WAI_FACTORS } from "../evaluation/wai/wai-items.js";
import type { Language } from "../core/language.js";
import { chartText } from "./chart-text.js";

/** Figure 4: box plots of per-session factor scores (1–7), one box per factor and dataset. */
export function waiBoxplotSpec(
  datasets: readonly { name: string; sessions: readonly WaiSessionScores[] }[],
  language: Language,
): TopLevelSpec {
  const text = chartText(language);
  const names = text.waiFactors;
  const rows = datasets.flatMap((d) =>
    d.sessions.flatMap((s) =>
      WAI_FACTORS.filter((f) => s.factors[f] !== null).map((f) => ({
        dataset: d.name,
        factor: names[f],
        score: s.factors[f],
      })),
    ),
  );
  return {
    title: text.waiTitle,
    width: 360,
    height: 260,
    data: { values: rows },
    mark: { type: "boxplot", extent: 1.5 },
    encoding: {
      x: {
        field: "factor",
        type: "nominal",
        sort: WAI_FACTORS.map((f) => names[f]),
        title: null,
        axis: { labelAngle: 0 },
      },
      xOffset: { field: "dataset", type: "nominal", sort: datasets.map((d) => d.name) },
      y: {
        field: "score",
        type: "quantitative",
        scale: { domain: [1, 7] },
        title: text.waiAxis,
      },
      color: {
        field: "dataset",
        type: "nominal",
        sort: datasets.map((d) => d.name),
        title: null,
        legend: { orient: "top", direction: "horizontal" },
      },
    },
  } as TopLevelSpec;
}
