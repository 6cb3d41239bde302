import { isFullRoleCard, type RoleCard } from "../core/role-card.js";
import { LANGUAGES, type Language } from "../core/language.js";

/** The one-line picture of a client pool: how many cards, in which languages, how complete. */
export interface PoolSummary {
  cards: number;
  languages: Record<Language, number>;
  /** Cards with all nine fields of Figure 8. */
  full: number;
  /** Help-seeking posts promoted to cards: only the chief complaint is known. */
  postOnly: number;
}

export function summarisePool(cards: readonly RoleCard[]): PoolSummary {
  const languages = Object.fromEntries(LANGUAGES.map((l) => [l, 0])) as Record<Language, number>;
  let full = 0;
  for (const card of cards) {
    languages[card.language] += 1;
    if (isFullRoleCard(card)) full += 1;
  }
  return { cards: cards.length, languages, full, postOnly: cards.length - full };
}

/** `cards.jsonl: 3 cards (zh 2, en 1; 2 full, 1 post-only)` */
export function formatPoolSummary(file: string, summary: PoolSummary): string {
  const languages = LANGUAGES.map((l) => `${l} ${summary.languages[l]}`).join(", ");
  const noun = summary.cards === 1 ? "card" : "cards";
  return `${file}: ${summary.cards} ${noun} (${languages}; ${summary.full} full, ${summary.postOnly} post-only)`;
}
