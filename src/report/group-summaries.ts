import { textTable } from "../evaluation/dialogue-stats/stats-table.js";
import type { FidelityAggregates } from "../evaluation/fidelity/fidelity.js";
import type { TopicAggregates } from "../evaluation/topics/topic-distribution.js";
import { WAI_FACTORS } from "../evaluation/wai/wai-items.js";
import type { WaiAggregates } from "../evaluation/wai/wai-scores.js";
import { formatP, meanSd } from "./comparison-table.js";

interface Grouped<A> {
  field: string;
  value: string;
  sessions: number;
  aggregates: A;
}

const label = (g: Grouped<unknown>) => `${g.field}=${g.value}`;
const title = (field: string) => `by ${field}:`;

/** `eval wai --by`: one row per group, factor means ± sd over its sessions. */
export function formatWaiByGroup(groups: readonly Grouped<WaiAggregates>[]): string {
  if (groups.length === 0) return "";
  return [
    title(groups[0]!.field),
    textTable([
      ["group", "sessions", ...WAI_FACTORS.map((f) => `${f} mean ± sd`), "all items"],
      ...groups.map((g) => [
        label(g),
        String(g.sessions),
        ...WAI_FACTORS.map((f) => meanSd(g.aggregates.factors[f])),
        meanSd(g.aggregates.total),
      ]),
    ]),
  ].join("\n");
}

/** `eval topics --by`: one row per group, its entropy over rounds. */
export function formatTopicsByGroup(groups: readonly Grouped<TopicAggregates>[]): string {
  if (groups.length === 0) return "";
  return [
    title(groups[0]!.field),
    textTable([
      ["group", "sessions", "entropy limited (bits)", "entropy unlimited (bits)"],
      ...groups.map((g) => [
        label(g),
        String(g.sessions),
        meanSd(g.aggregates.entropy_limited),
        meanSd(g.aggregates.entropy_unlimited),
      ]),
    ]),
  ].join("\n");
}

/** `eval fidelity --by`: one row per group, vocabulary overlap true vs random mapping. */
export function formatFidelityByGroup(groups: readonly Grouped<FidelityAggregates>[]): string {
  if (groups.length === 0) return "";
  return [
    title(groups[0]!.field),
    textTable([
      ["group", "sessions", "overlap true", "overlap random", "p", "cosine true", "cosine random"],
      ...groups.map((g) => {
        const { overlap, cosine } = g.aggregates;
        return [
          label(g),
          String(g.sessions),
          meanSd(overlap.a),
          meanSd(overlap.b),
          formatP(overlap.test.p),
          cosine ? meanSd(cosine.a) : "–",
          cosine ? meanSd(cosine.b) : "–",
        ];
      }),
    ]),
  ].join("\n");
}
