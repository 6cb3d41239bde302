import type { TopLevelSpec } from "vega-lite";
import type { Language } from "../core/language.js";
import type { TopicShare } from "../evaluation/topics/topic-distribution.js";
import { chartText } from "./chart-text.js";

/**
 * Figure 3: the share of each topic among all listed labels, for one or two datasets,
 * as horizontal bars ordered by the first dataset. Topics no dataset used are left out.
 */
export function topicBarsSpec(
  datasets: readonly { name: string; distribution: readonly TopicShare[] }[],
  language: Language,
): TopLevelSpec {
  const text = chartText(language);
  const used = new Set(
    datasets.flatMap((d) => d.distribution.filter((t) => t.share > 0).map((t) => t.id)),
  );
  const first = datasets[0]?.distribution ?? [];
  const order = [...first]
    .filter((t) => used.has(t.id))
    .sort((a, b) => b.share - a.share || a.id - b.id)
    .map((t) => t[language]);
  for (const d of datasets)
    for (const t of d.distribution)
      if (used.has(t.id) && !order.includes(t[language])) order.push(t[language]);
  const rows = datasets.flatMap((d) =>
    d.distribution
      .filter((t) => used.has(t.id))
      .map((t) => ({ dataset: d.name, topic: t[language], share: t.share })),
  );
  return {
    title: text.topicsTitle,
    width: 360,
    data: { values: rows },
    mark: { type: "bar" },
    encoding: {
      y: { field: "topic", type: "nominal", sort: order, title: null, axis: { labelLimit: 300 } },
      yOffset: { field: "dataset", type: "nominal", sort: datasets.map((d) => d.name) },
      x: {
        field: "share",
        type: "quantitative",
        title: text.topicsAxis,
        axis: { format: ".0%" },
      },
      color: {
        field: "dataset",
        type: "nominal",
        sort: datasets.map((d) => d.name),
        title: null,
        // One dataset needs no key; two get one above the bars, where it is seen first.
        legend: datasets.length > 1 ? { orient: "top", direction: "horizontal" } : null,
      },
    },
    height: { step: datasets.length > 1 ? 18 : 14 },
  } as TopLevelSpec;
}
