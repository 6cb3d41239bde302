import { isFullRoleCard, type RoleCard } from "../core/role-card.js";
import type { Language } from "../core/language.js";

/** Field names as Figure 8 shows them, in both languages; the annotation platform shows the same. */
export const ROLE_CARD_LABELS = {
  zh: {
    gender: "性别",
    age: "年龄",
    education: "教育程度",
    occupation: "职业",
    marital_status: "婚姻情况",
    family_relationships: "家庭关系",
    big_five: "大五人格",
    resistance: "对心理咨询的抗拒程度",
    chief_complaint: "主诉问题",
    openness: "开放性",
    conscientiousness: "尽责性",
    extraversion: "外向性",
    agreeableness: "宜人性",
    neuroticism: "神经质",
    years: "岁",
  },
  en: {
    gender: "Gender",
    age: "Age",
    education: "Education",
    occupation: "Occupation",
    marital_status: "Marital status",
    family_relationships: "Family relationships",
    big_five: "Big Five personality traits",
    resistance: "Resistance to psychological counseling",
    chief_complaint: "Chief complaint",
    openness: "Openness",
    conscientiousness: "Conscientiousness",
    extraversion: "Extraversion",
    agreeableness: "Agreeableness",
    neuroticism: "Neuroticism",
    years: "",
  },
} as const;

/** The card as the client prompt shows it (Figure 8's layout): one field a line, Big Five as a sub-list. */
export function roleCardText(card: RoleCard, language: Language = card.language): string {
  const l = ROLE_CARD_LABELS[language];
  const sep = language === "zh" ? "：" : ": ";
  if (!isFullRoleCard(card)) return `${l.chief_complaint}${sep}${card.chief_complaint}`;
  const age = typeof card.age === "number" ? `${card.age}${l.years}` : card.age;
  const b = card.big_five;
  return [
    `${l.gender}${sep}${card.gender}`,
    `${l.age}${sep}${age}`,
    `${l.education}${sep}${card.education}`,
    `${l.occupation}${sep}${card.occupation}`,
    `${l.marital_status}${sep}${card.marital_status}`,
    `${l.family_relationships}${sep}${card.family_relationships}`,
    `${l.big_five}${sep}`,
    `- ${l.openness}${sep}${b.openness}`,
    `- ${l.conscientiousness}${sep}${b.conscientiousness}`,
    `- ${l.extraversion}${sep}${b.extraversion}`,
    `- ${l.agreeableness}${sep}${b.agreeableness}`,
    `- ${l.neuroticism}${sep}${b.neuroticism}`,
    `${l.resistance}${sep}${card.resistance}`,
    `${l.chief_complaint}${sep}${card.chief_complaint}`,
  ].join("\n");
}
