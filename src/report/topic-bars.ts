import type { TopLevelSpec } from "vega-lite";
import type { Language } from "../core/language.js";
import type { TopicShare } from "../evaluation/topics/topic-distribution.js";
import { chartText } from "./chart-text.js";

/** Longer topic names go on two lines, so the figure fits a phone without shrinking its text. */
const LINE_CHARS = 26;

/** Splits `name` at the space nearest its middle when it is longer than a line. */
function twoLines(name: string): string {
  if (name.length <= LINE_CHARS) return name;
  const middle = name.length / 2;
  let at = -1;
  for (let i = name.indexOf(" "); i >= 0; i = name.indexOf(" ", i + 1))
    if (at < 0 || Math.abs(i - middle) < Math.abs(at - middle)) at = i;
  return at < 0 ? name : `${name.slice(0, at)}\n${name.slice(at + 1)}`;
}

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
  const label = (t: TopicShare) => twoLines(t[language]);
  const order = [...first]
    .filter((t) => used.has(t.id))
    .sort((a, b) => b.share - a.share || a.id - b.id)
    .map(label);
  for (const d of datasets)
    for (const t of d.distribution)
      if (used.has(t.id) && !order.includes(label(t))) order.push(label(t));
  const rows = datasets.flatMap((d) =>
    d.distribution
      .filter((t) => used.has(t.id))
      .map((t) => ({ dataset: d.name, topic: label(t), share: t.share })),
  );
  const wrapped = order.some((name) => name.includes("\n"));
  return {
    title: text.topicsTitle,
    width: 220,
    data: { values: rows },
    mark: { type: "bar" },
    encoding: {
      y: {
        field: "topic",
        type: "nominal",
        sort: order,
        title: null,
        axis: { labelLimit: 300, labelExpr: "split(datum.label, '\\n')", labelLineHeight: 13 },
      },
      yOffset: { field: "dataset", type: "nominal", sort: datasets.map((d) => d.name) },
      x: {
        field: "share",
        type: "quantitative",
        title: text.topicsAxis,
        // Five ticks at most: at 1 % steps the labels of a narrow chart run into each other.
        axis: { format: ".0%", tickCount: 5 },
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
    // A band holds two lines of a wrapped name: two bars of 18, or one bar of 28.
    height: { step: datasets.length > 1 ? 18 : wrapped ? 28 : 14 },
  } as TopLevelSpec;
}
