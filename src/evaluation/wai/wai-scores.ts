import { mean } from "../statistics/descriptive-stats.js";
import { summarize, type Summary } from "../statistics/descriptive-stats.js";
import { keyedScore, WAI_FACTORS, WAI_ITEMS, type WaiFactor } from "./wai-items.js";

/** One item in one round: the judge's raw score (null when every attempt failed to parse). */
export interface WaiRating {
  item: number;
  round: number;
  raw: number | null;
  attempts: number;
  /** Why the last attempt was not a score, when `raw` is null. */
  error?: string;
}

export interface WaiSessionScores {
  dialogue_id: string;
  /** Per item: mean over rounds of the keyed score (reverse items as 8 − x); null when no round gave a score. */
  items: Record<string, number | null>;
  /** Mean of the factor's available item scores; null when none is available. */
  factors: Record<WaiFactor, number | null>;
  /** Mean of all available item scores. */
  total: number | null;
  /** Item-rounds with no score. */
  missing: number;
  ratings: WaiRating[];
}

export interface WaiAggregates {
  sessions: number;
  factors: Record<WaiFactor, Summary>;
  items: Record<string, Summary>;
  total: Summary;
  /** Item-rounds recorded as missing, over all sessions. */
  missing_ratings: number;
}

/** Averages rounds per item after reverse keying, then items per factor (paper §4.2.1, reference/wai-o-s.md). */
export function waiSessionScores(
  dialogueId: string,
  ratings: readonly WaiRating[],
): WaiSessionScores {
  const items: Record<string, number | null> = {};
  for (const item of WAI_ITEMS) {
    const keyed = ratings
      .filter((r) => r.item === item.number && r.raw !== null)
      .map((r) => keyedScore(item, r.raw!));
    items[String(item.number)] = mean(keyed);
  }
  const available = (numbers: number[]) =>
    numbers.map((n) => items[String(n)]).filter((v): v is number => v !== null && v !== undefined);
  const factors = Object.fromEntries(
    WAI_FACTORS.map((f) => [
      f,
      mean(available(WAI_ITEMS.filter((i) => i.factor === f).map((i) => i.number))),
    ]),
  ) as Record<WaiFactor, number | null>;
  return {
    dialogue_id: dialogueId,
    items,
    factors,
    total: mean(available(WAI_ITEMS.map((i) => i.number))),
    missing: ratings.filter((r) => r.raw === null).length,
    ratings: [...ratings],
  };
}

export function waiAggregates(sessions: readonly WaiSessionScores[]): WaiAggregates {
  const values = (f: (s: WaiSessionScores) => number | null) =>
    sessions.map(f).filter((v): v is number => v !== null);
  return {
    sessions: sessions.length,
    factors: Object.fromEntries(
      WAI_FACTORS.map((f) => [f, summarize(values((s) => s.factors[f]))]),
    ) as Record<WaiFactor, Summary>,
    items: Object.fromEntries(
      WAI_ITEMS.map((i) => [
        String(i.number),
        summarize(values((s) => s.items[String(i.number)] ?? null)),
      ]),
    ),
    total: summarize(values((s) => s.total)),
    missing_ratings: sessions.reduce((n, s) => n + s.missing, 0),
  };
}
