import { html } from "hono/html";
import {
  BIG_FIVE_TRAITS,
  DESCRIPTIVE_FIELDS,
  isFullRoleCard,
  type RoleCard,
} from "../../core/role-card.js";
import { ROLE_CARD_LABELS } from "../../prompts/role-card-text.js";
import type { Markup } from "./layout.js";

/** A one-line label: the start of the chief complaint, which is what a counselor recognises a client by. */
export function cardLabel(card: RoleCard): string {
  const text = card.chief_complaint.replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The card in its own language, as a definition list (text only: card content is imported data). */
export function roleCardDetails(card: RoleCard): Markup {
  const lang = card.language;
  const fields = isFullRoleCard(card)
    ? [...DESCRIPTIVE_FIELDS.filter((f) => f !== "big_five"), "chief_complaint" as const].map(
        (f) => [f, String(card[f])] as const,
      )
    : ([["chief_complaint", card.chief_complaint]] as const);
  const labels = ROLE_CARD_LABELS[lang];
  // Figure 8 lists the Big Five between family relationships and resistance.
  const bigFive = isFullRoleCard(card)
    ? html`<dt>${labels.big_five}</dt>
        <dd>
          <ul class="big-five">
            ${BIG_FIVE_TRAITS.map(
              (trait) =>
                html`<li>
                  ${labels[trait]}${lang === "zh" ? "：" : ": "}${card.big_five[trait]}
                </li>`,
            )}
          </ul>
        </dd>`
    : "";
  return html`<dl class="role-card" lang="${lang === "zh" ? "zh-CN" : "en"}">
    ${fields.map(
      ([field, value]) =>
        html`${field === "resistance" ? bigFive : ""}
          <dt>${labels[field]}</dt>
          <dd>${value}</dd>`,
    )}
  </dl>`;
}
