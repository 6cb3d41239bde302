import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dialogue, DialogueEnding } from "../../src/core/dialogue.js";
import type { Language } from "../../src/core/language.js";

/** A dialogue record from alternating lines, client first unless the first line says otherwise. */
export function dialogue(
  id: string,
  language: Language,
  lines: ["client" | "counselor", string][],
  extra: { role_card_id?: string; ended_by?: DialogueEnding } = {},
): Dialogue {
  return {
    schema: "psysim.dialogue/1",
    id,
    language,
    turns: lines.map(([role, content]) => ({ role, content })),
    ...extra,
    meta: {},
  };
}

export function writeJsonlFile(dir: string, name: string, records: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}

export function fullCard(
  id: string,
  language: Language,
  chiefComplaint: string,
  occupation = language === "zh" ? "学生" : "student",
): Record<string, unknown> {
  const zh = language === "zh";
  return {
    id,
    language,
    gender: zh ? "女" : "female",
    age: 20,
    education: zh ? "本科在读" : "undergraduate",
    occupation,
    marital_status: zh ? "单身" : "single",
    family_relationships: zh ? "与母亲关系紧张" : "tense relationship with her mother",
    big_five: {
      openness: zh ? "中等偏低" : "moderately low",
      conscientiousness: zh ? "中等" : "moderate",
      extraversion: zh ? "中等偏低" : "moderately low",
      agreeableness: zh ? "中等偏高" : "moderately high",
      neuroticism: zh ? "高" : "high",
    },
    resistance: zh ? "中等" : "moderate",
    chief_complaint: chiefComplaint,
  };
}
