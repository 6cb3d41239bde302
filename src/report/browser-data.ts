import { endingLabel, type Dialogue } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import { turnCount } from "../evaluation/dialogue-stats/dialogue-stats.js";

/** One turn as the browser reads it: role, text, and σ's refused replies with their reasons. */
export type BrowserTurn = [string, string] | [string, string, [string, string[]][]];

/**
 * A session in the page's list data, with short keys: 10,000 of them must stay small. Its
 * turns live apart (`BrowserDataset.dialogues`), in a block the page parses after the list
 * is on screen, so opening the page does not wait for every dialogue's text.
 */
export interface BrowserSession {
  id: string;
  card: string | null;
  lang: Language;
  ended: string;
  turns: number;
  /** Replies σ refused over the whole session. */
  rej: number;
  /** Per-session metrics from the evaluation results (overlap, cosine, WAI, …). */
  m: Record<string, number | null>;
}

export interface BrowserDataset {
  name: string;
  sessions: BrowserSession[];
  /** Each session's turns, in the order of `sessions`. */
  dialogues: BrowserTurn[][];
}

/** The browser's view of a dialogue file, with each session's metrics looked up by id. */
export function browserDataset(
  name: string,
  dialogues: readonly Dialogue[],
  metrics: ReadonlyMap<string, Record<string, number | null>>,
): BrowserDataset {
  const turnsOf: BrowserTurn[][] = [];
  const sessions = dialogues.map((d): BrowserSession => {
    let rejected = 0;
    turnsOf.push(
      d.turns.map((t): BrowserTurn => {
        const refused = t.rejected ?? [];
        rejected += refused.length;
        return refused.length === 0
          ? [t.role, t.content]
          : [t.role, t.content, refused.map((r) => [r.content, r.reasons])];
      }),
    );
    return {
      id: d.id,
      card: d.role_card_id ?? null,
      lang: d.language,
      ended: endingLabel(d),
      turns: turnCount(d),
      rej: rejected,
      m: metrics.get(d.id) ?? {},
    };
  });
  return { name, sessions, dialogues: turnsOf };
}
