import type { Battle } from "../core/battle.js";

export interface UpvoteRow {
  model: string;
  /** Battles won, a tie counting ½; "both bad" and unparsed verdicts give nobody an upvote. */
  upvotes: number;
  /** Sessions (distinct dialogue ids) the model took part in. */
  occurrences: number;
  /** upvotes / occurrences: the picks a model earns in an average session. */
  average: number;
  wins: number;
  ties: number;
  battles: number;
}

/**
 * Table 4: per counselor, total upvotes, occurrences and average upvotes. In the paper a
 * human picks one reply per turn, so an upvote is a pick and an occurrence a dialogue
 * the model appeared in (Table 4's occurrences sum to twice its 291 dialogues).
 */
export function upvoteTable(
  battles: Iterable<Pick<Battle, "model_a" | "model_b" | "winner" | "dialogue_id">>,
): UpvoteRow[] {
  const rows = new Map<
    string,
    { wins: number; ties: number; battles: number; sessions: Set<string> }
  >();
  const row = (model: string) => {
    let r = rows.get(model);
    if (!r) rows.set(model, (r = { wins: 0, ties: 0, battles: 0, sessions: new Set() }));
    return r;
  };
  for (const b of battles) {
    const a = row(b.model_a);
    const other = row(b.model_b);
    for (const r of [a, other]) {
      r.battles += 1;
      r.sessions.add(b.dialogue_id);
    }
    if (b.winner === "a") a.wins += 1;
    else if (b.winner === "b") other.wins += 1;
    else if (b.winner === "tie") {
      a.ties += 1;
      other.ties += 1;
    }
  }
  return [...rows.entries()]
    .map(([model, r]) => {
      const upvotes = r.wins + r.ties / 2;
      return {
        model,
        upvotes,
        occurrences: r.sessions.size,
        average: upvotes / r.sessions.size,
        wins: r.wins,
        ties: r.ties,
        battles: r.battles,
      };
    })
    .sort((x, y) => y.average - x.average || (x.model < y.model ? -1 : 1));
}
