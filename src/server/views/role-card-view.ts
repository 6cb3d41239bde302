import { html } from "hono/html";
import { isFullRoleCard, type RoleCard } from "../../core/role-card.js";
import type { Markup } from "./layout.js";

/** A one-line label: the start of the chief complaint, which is what a counselor recognises a client by. */
export function cardLabel(card: RoleCard): string {
  const text = card.chief_complaint.replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const FIELD_LABELS: Record<string, { zh: string; en: string }> = {
  gender: { zh: "性别", en: "Gender" },
  age: { zh: "年龄", en: "Age" },
  education: { zh: "学历", en: "Education" },
  occupation: { zh: "职业", en: "Occupation" },
  marital_status: { zh: "婚姻状况", en: "Marital status" },
  family_relationships: { zh: "家庭关系", en: "Family" },
  resistance: { zh: "阻抗", en: "Resistance" },
  chief_complaint: { zh: "主诉", en: "Chief complaint" },
};

/** The card in its own language, as a definition list (text only: card content is imported data). */
export function roleCardDetails(card: RoleCard): Markup {
  const lang = card.language;
  const fields = isFullRoleCard(card)
    ? (["gender", "age", "education", "occupation", "marital_status", "family_relationships", "resistance", "chief_complaint"] as const).map((f) => [f, String(card[f])] as const)
    : ([["chief_complaint", card.chief_complaint]] as const);
  return html`<dl class="role-card" lang="${lang === "zh" ? "zh-CN" : "en"}">
  ${fields.map(([field, value]) => html`<dt>${FIELD_LABELS[field]![lang]}</dt><dd>${value}</dd>`)}
</dl>`;
}
