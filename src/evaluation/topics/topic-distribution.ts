import { summarize, type Summary } from "../statistics/descriptive-stats.js";
import { entropyBits } from "../statistics/entropy.js";
import type { Topic } from "./smile-topics.js";
import type { TopicLabels } from "./topic-labels-parser.js";

/** One session's labels in one round; null labels when every attempt failed to parse. */
export interface TopicRoundLabels {
  round: number;
  labels: TopicLabels | null;
  attempts: number;
  error?: string;
}

export interface TopicSession {
  dialogue_id: string;
  rounds: TopicRoundLabels[];
}

export interface TopicRoundSummary {
  round: number;
  /** Entropy in bits over listed topics only ("limited", as SMILE reports it). */
  entropy_limited: number;
  /** Entropy in bits over listed and invented labels ("unlimited"). */
  entropy_unlimited: number;
  sessions_labelled: number;
  sessions_missing: number;
  listed_labels: number;
  invented_labels: number;
  /** Answer entries that named no topic (see `TopicLabels.unreadable`), counted, not used. */
  unreadable_labels: number;
}

export interface TopicShare {
  id: number;
  en: string;
  zh: string;
  /** Share of all listed labels in a round, averaged over rounds. */
  share: number;
  /** Labels given to this topic, averaged over rounds. */
  mean_count: number;
}

export interface TopicAggregates {
  rounds: TopicRoundSummary[];
  entropy_limited: Summary;
  entropy_unlimited: Summary;
  distribution: TopicShare[];
  /** Invented labels with how often they were given over all rounds. */
  invented: { label: string; count: number }[];
}

/**
 * Per round, the distribution of labels over all sessions (each label a session gets counts
 * once) and its entropy in bits; then mean ± sd over rounds (paper §4.1, Figure 3).
 */
export function topicAggregates(
  sessions: readonly TopicSession[],
  topics: readonly Topic[],
  rounds: number,
): TopicAggregates {
  const perRound: TopicRoundSummary[] = [];
  const shares = new Map<number, number[]>(topics.map((t) => [t.id, []]));
  const counts = new Map<number, number[]>(topics.map((t) => [t.id, []]));
  const invented = new Map<string, number>();
  for (let round = 1; round <= rounds; round++) {
    const listed = new Map<number, number>();
    const made = new Map<string, number>();
    let labelled = 0;
    let missing = 0;
    let unreadable = 0;
    for (const s of sessions) {
      const r = s.rounds.find((x) => x.round === round);
      if (!r?.labels) {
        missing++;
        continue;
      }
      labelled++;
      unreadable += r.labels.unreadable?.length ?? 0;
      for (const id of r.labels.topics) listed.set(id, (listed.get(id) ?? 0) + 1);
      for (const label of r.labels.invented) {
        made.set(label, (made.get(label) ?? 0) + 1);
        invented.set(label, (invented.get(label) ?? 0) + 1);
      }
    }
    const listedTotal = [...listed.values()].reduce((a, b) => a + b, 0);
    for (const t of topics) {
      const c = listed.get(t.id) ?? 0;
      counts.get(t.id)!.push(c);
      shares.get(t.id)!.push(listedTotal === 0 ? 0 : c / listedTotal);
    }
    perRound.push({
      round,
      entropy_limited: entropyBits(listed.values()),
      entropy_unlimited: entropyBits([...listed.values(), ...made.values()]),
      sessions_labelled: labelled,
      sessions_missing: missing,
      listed_labels: listedTotal,
      invented_labels: [...made.values()].reduce((a, b) => a + b, 0),
      unreadable_labels: unreadable,
    });
  }
  const avg = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    rounds: perRound,
    entropy_limited: summarize(perRound.map((r) => r.entropy_limited)),
    entropy_unlimited: summarize(perRound.map((r) => r.entropy_unlimited)),
    distribution: topics.map((t) => ({
      id: t.id,
      en: t.en,
      zh: t.zh,
      share: avg(shares.get(t.id)!),
      mean_count: avg(counts.get(t.id)!),
    })),
    invented: [...invented]
      .map(([label, count]) => ({ label, count }))
      .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1)),
  };
}
