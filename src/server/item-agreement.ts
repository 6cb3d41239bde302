import type { Battle, Winner } from "../core/battle.js";
import { agreement, type Agreement } from "../arena/agreement.js";
import { judgeKind } from "../arena/leaderboard.js";

/**
 * One judged item in a canonical form: the same history and the same two replies, with the
 * models in sorted order (a verdict on a swapped pair is flipped to match).
 */
interface CanonicalVerdict {
  item: string;
  judge: string;
  winner: Winner | null;
}

const FLIP: Record<Winner, Winner> = { a: "b", b: "a", tie: "tie", both_bad: "both_bad" };

function canonical(battle: Battle): CanonicalVerdict {
  const swap = battle.model_a > battle.model_b;
  const [ma, mb, ra, rb] = swap
    ? [battle.model_b, battle.model_a, battle.response_b, battle.response_a]
    : [battle.model_a, battle.model_b, battle.response_a, battle.response_b];
  const winner = battle.winner === null ? null : swap ? FLIP[battle.winner] : battle.winner;
  return {
    item: JSON.stringify([battle.history_ref, ma, mb, ra, rb]),
    judge: battle.judge,
    winner,
  };
}

/** Each judge's first verdict per item (a second look at the same item by the same judge is not a second rater). */
function verdictsByJudge(battles: Iterable<Battle>): Map<string, Map<string, Winner | null>> {
  const byJudge = new Map<string, Map<string, Winner | null>>();
  for (const battle of battles) {
    const v = canonical(battle);
    let items = byJudge.get(v.judge);
    if (!items) byJudge.set(v.judge, (items = new Map()));
    if (!items.has(v.item)) items.set(v.item, v.winner);
  }
  return byJudge;
}

export interface RaterPairAgreement {
  reference: string;
  judged: string;
  agreement: Agreement;
}

export interface ItemAgreements {
  /** Each LLM (or baseline) judge against every human on the items both judged (Appendix C.2). */
  judgeVsHuman: RaterPairAgreement[];
  /** Every pair of human annotators on the items both judged. */
  betweenAnnotators: RaterPairAgreement[];
  /** All annotator pairs pooled: Cohen's κ over every (item, annotator pair). */
  betweenAnnotatorsPooled: Agreement;
}

function compare(
  reference: Map<string, Winner | null>,
  judged: Map<string, Winner | null>,
): Array<{ reference: string; judged: string | null }> {
  const pairs: Array<{ reference: string; judged: string | null }> = [];
  for (const [item, label] of reference) {
    if (label === null || !judged.has(item)) continue;
    pairs.push({ reference: label, judged: judged.get(item) ?? null });
  }
  return pairs;
}

/** Agreement between raters on the items two of them both judged, human verdicts as the reference. */
export function itemAgreements(battles: Iterable<Battle>): ItemAgreements {
  const byJudge = verdictsByJudge(battles);
  const humans = [...byJudge.keys()].filter((j) => judgeKind(j) === "human").sort();
  const machines = [...byJudge.keys()].filter((j) => judgeKind(j) !== "human").sort();
  const judgeVsHuman: RaterPairAgreement[] = [];
  for (const judge of machines) {
    for (const human of humans) {
      const pairs = compare(byJudge.get(human)!, byJudge.get(judge)!);
      if (pairs.length > 0)
        judgeVsHuman.push({ reference: human, judged: judge, agreement: agreement(pairs) });
    }
  }
  const betweenAnnotators: RaterPairAgreement[] = [];
  const pooled: Array<{ reference: string; judged: string | null }> = [];
  humans.forEach((first, i) => {
    for (const second of humans.slice(i + 1)) {
      const pairs = compare(byJudge.get(first)!, byJudge.get(second)!);
      if (pairs.length === 0) continue;
      betweenAnnotators.push({ reference: first, judged: second, agreement: agreement(pairs) });
      pooled.push(...pairs);
    }
  });
  return { judgeVsHuman, betweenAnnotators, betweenAnnotatorsPooled: agreement(pooled) };
}
