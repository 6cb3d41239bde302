import type { TopLevelSpec } from "vega-lite";
import type { BattleMatrix } from "../arena/battle-matrix.js";
import type { Language } from "../core/language.js";
import { chartText } from "./chart-text.js";

/**
 * Figure 14: battles between each pair of counselors as a heatmap with the counts written
 * in; numbers turn white on the darker half of the scale so they stay readable.
 */
export function battleMatrixChartSpec(
  matrix: BattleMatrix,
  language: Language,
  subtitle?: string,
): TopLevelSpec {
  const text = chartText(language);
  const { models, counts } = matrix;
  const values = models.flatMap((a, i) =>
    models.map((b, j) => ({
      a,
      b,
      battles: i === j ? null : counts[i]![j]!,
      label: i === j ? "–" : String(counts[i]![j]!),
    })),
  );
  const max = Math.max(1, ...counts.flat());
  const axis = { type: "nominal" as const, sort: models, title: null, axis: { labelLimit: 150 } };
  // 40 px a cell holds a three-digit count and keeps six counselors within a phone's width.
  const side = Math.max(120, 40 * models.length);
  return {
    title: { text: text.battlesTitle, ...(subtitle ? { subtitle } : {}) },
    data: { values },
    width: side,
    height: side,
    encoding: {
      x: { field: "b", ...axis, axis: { labelAngle: -35, labelLimit: 150 } },
      y: { field: "a", ...axis },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "battles",
            type: "quantitative",
            scale: { scheme: "blues", domain: [0, max] },
            title: text.battlesLegend,
            legend: { format: "d", tickMinStep: 1, tickCount: Math.min(5, max) },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 12 },
        encoding: {
          text: { field: "label", type: "nominal" },
          color: {
            condition: {
              test: `datum.battles !== null && datum.battles > ${max / 2}`,
              value: "white",
            },
            value: "#222222",
          },
        },
      },
    ],
  } as TopLevelSpec;
}
