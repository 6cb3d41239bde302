import type { Dialogue } from "../core/dialogue.js";
import type { Language } from "../core/language.js";

/**
 * One exchange of a counseling session: a client utterance and the counselor's reply to it.
 * It is the unit grounding retrieves, because a style example needs both what was said and
 * how a real counselor answered.
 */
export interface GroundingExchange {
  /** `<dialogue id>#<turn>`: stable across rebuilds of the same corpus. */
  id: string;
  dialogue_id: string;
  /** The card the corpus dialogue was simulated from, when it was (for leak-free retrieval). */
  role_card_id?: string;
  /** 1-based turn of the counselor reply, as in sample keys and stage files. */
  turn: number;
  language: Language;
  client: string;
  counselor: string;
}

/** Every client utterance that a counselor answered, in order. Rejected drafts and arena candidates are not exchanges. */
export function exchangesOf(dialogue: Dialogue): GroundingExchange[] {
  const out: GroundingExchange[] = [];
  let turn = 0;
  dialogue.turns.forEach((t, i) => {
    if (t.role !== "counselor") return;
    turn++;
    const before = dialogue.turns[i - 1];
    if (before?.role !== "client" || before.content.trim() === "" || t.content.trim() === "")
      return;
    out.push({
      id: `${dialogue.id}#${turn}`,
      dialogue_id: dialogue.id,
      ...(dialogue.role_card_id === undefined ? {} : { role_card_id: dialogue.role_card_id }),
      turn,
      language: dialogue.language,
      client: before.content,
      counselor: t.content,
    });
  });
  return out;
}

/** The text an exchange is indexed under: both sides, so topic words in either match. */
export function exchangeText(exchange: Pick<GroundingExchange, "client" | "counselor">): string {
  return `${exchange.client}\n${exchange.counselor}`;
}
