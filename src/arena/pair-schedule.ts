import { PsysimError } from "../core/errors.js";
import { deriveSeed, SeededRandom } from "../core/random.js";

export interface ScheduledSession<Card> {
  /** Stable across runs with the same inputs and seed, so a rerun can skip finished sessions. */
  id: string;
  card: Card;
  /** The two counselors, as model_a and model_b of every battle in the session. */
  pair: [string, string];
}

export interface PairScheduleOptions {
  seed: number;
  /** Sessions per pair; when unset, every card is used once and the pairs share them out. */
  sessionsPerPair?: number;
}

/**
 * A session's id for a card and pair (before a repeat adds `/k`). The annotation platform
 * keys its items the same way, so one card, pair and seed samples the same candidates there.
 */
export function pairSessionId(cardId: string, pair: readonly [string, string]): string {
  return `${cardId}/${pair[0]}-vs-${pair[1]}`;
}

/**
 * Schedules arena sessions so every pair of counselors meets about equally often (the
 * paper picks pairs at random, which left Figure 14 between 12 and 26 per pair): pairs are
 * dealt in seeded shuffled rounds, so any two pairs' counts differ by at most one, and a
 * pair's sides alternate between meetings. Cards are dealt in seeded order, cycling.
 */
export function schedulePairs<Card extends { id: string }>(
  counselors: readonly string[],
  cards: readonly Card[],
  options: PairScheduleOptions,
): ScheduledSession<Card>[] {
  const distinct = [...new Set(counselors)];
  if (distinct.length < 2)
    throw new PsysimError(
      "INPUT_INVALID",
      `the arena needs at least two different counselors, got ${distinct.length}`,
    );
  if (cards.length === 0)
    throw new PsysimError("INPUT_INVALID", "the arena needs at least one role card");
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < distinct.length; i++)
    for (let j = i + 1; j < distinct.length; j++) pairs.push([distinct[i]!, distinct[j]!]);
  const total =
    options.sessionsPerPair === undefined ? cards.length : options.sessionsPerPair * pairs.length;

  const pairOrder = new SeededRandom(deriveSeed(options.seed, "arena-pairs"));
  const cardOrder = new SeededRandom(deriveSeed(options.seed, "arena-cards")).shuffle(cards);
  const meetings = new Map<string, number>();
  const ids = new Set<string>();
  const sessions: ScheduledSession<Card>[] = [];
  let round: Array<[string, string]> = [];
  for (let s = 0; s < total; s++) {
    if (round.length === 0) round = pairOrder.shuffle(pairs);
    const [x, y] = round.pop()!;
    const met = meetings.get(`${x}\u0000${y}`) ?? 0;
    meetings.set(`${x}\u0000${y}`, met + 1);
    const pair: [string, string] = met % 2 === 0 ? [x, y] : [y, x];
    const card = cardOrder[s % cardOrder.length]!;
    const base = pairSessionId(card.id, pair);
    let id = base;
    for (let k = 2; ids.has(id); k++) id = `${base}/${k}`;
    ids.add(id);
    sessions.push({ id, card, pair });
  }
  return sessions;
}
