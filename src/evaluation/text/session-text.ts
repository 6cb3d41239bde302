import type { Dialogue } from "../../core/dialogue.js";
import { isFullRoleCard, type RoleCard } from "../../core/role-card.js";

/** S of Eq. 1 and 2: all client utterances of a session, concatenated (one per line). */
export function clientText(dialogue: Dialogue): string {
  return dialogue.turns
    .filter((t) => t.role === "client")
    .map((t) => t.content)
    .join("\n");
}

export const CARD_TEXT_RULE =
  "values of the role card's nine fields (paper Figure 8), one per line, without field labels";

/**
 * R of Eq. 1 and 2: the card's contents. Field labels ("Gender", "性别", …) are left out:
 * every card carries the same labels, so they would add shared words to the true and the
 * random mapping alike and blur the difference the control is meant to show.
 */
export function roleCardContent(card: RoleCard): string {
  if (!isFullRoleCard(card)) return card.chief_complaint;
  const b = card.big_five;
  return [
    card.gender,
    String(card.age),
    card.education,
    card.occupation,
    card.marital_status,
    card.family_relationships,
    b.openness,
    b.conscientiousness,
    b.extraversion,
    b.agreeableness,
    b.neuroticism,
    card.resistance,
    card.chief_complaint,
  ].join("\n");
}

const SPEAKER_NAMES = {
  zh: { client: "来访者", counselor: "咨询师", colon: "：" },
  en: { client: "Client", counselor: "Counselor", colon: ": " },
} as const;

/** The session as a judge reads it: one utterance a line, each prefixed with its speaker. */
export function transcript(dialogue: Dialogue): string {
  const names = SPEAKER_NAMES[dialogue.language];
  return dialogue.turns.map((t) => `${names[t.role]}${names.colon}${t.content}`).join("\n");
}

/** The transcript with each utterance numbered from 1 (`[3] 咨询师：…`), so a judge can name turns. */
export function numberedTranscript(dialogue: Dialogue): string {
  const names = SPEAKER_NAMES[dialogue.language];
  return dialogue.turns
    .map((t, i) => `[${i + 1}] ${names[t.role]}${names.colon}${t.content}`)
    .join("\n");
}
