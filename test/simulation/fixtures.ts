import type { RoleCard } from "../../src/core/role-card.js";

export function card(id: string, language: "zh" | "en" = "zh"): RoleCard {
  return {
    schema: "psysim.rolecard/1",
    id,
    language,
    gender: language === "zh" ? "女" : "female",
    age: 20,
    education: language === "zh" ? "本科在读" : "undergraduate",
    occupation: language === "zh" ? "学生" : "student",
    marital_status: language === "zh" ? "单身" : "single",
    family_relationships: language === "zh" ? "与母亲关系紧张" : "tense with her mother",
    big_five: {
      openness: "mid",
      conscientiousness: "mid",
      extraversion: "low",
      agreeableness: "high",
      neuroticism: "high",
    },
    resistance: language === "zh" ? "中等" : "moderate",
    chief_complaint:
      language === "zh"
        ? "我总是拖延。我和妈妈经常吵架。我不知道该怎么办。"
        : "I procrastinate all the time. I keep fighting with my mom. I don't know what to do.",
  };
}
