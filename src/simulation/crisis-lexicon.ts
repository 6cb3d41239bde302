import type { Language } from "../core/language.js";

/**
 * A small documented list of words and phrases that suggest acute risk (suicide, self-harm,
 * harm to others) in a client's own words, in Chinese and English. It is a screen, not a
 * classifier: it exists so a person typing in the platform's client mode who may be in real
 * distress is shown support resources at once, and so such messages are flagged in exports
 * (docs/annotation-platform.md, "Crisis words"). Matching is case-blind on NFKC text; English
 * entries match whole words. Reusable by any check of client text (e.g. a safety evaluation).
 */
export const CRISIS_LEXICON: Record<Language, readonly string[]> = {
  zh: [
    "自杀",
    "轻生",
    "想死",
    "不想活",
    "活不下去",
    "结束生命",
    "结束自己",
    "了结自己",
    "寻死",
    "割腕",
    "跳楼",
    "上吊",
    "吃安眠药",
    "服毒",
    "自残",
    "伤害自己",
    "遗书",
    "杀了他",
    "杀了她",
    "同归于尽",
  ],
  en: [
    "suicide",
    "suicidal",
    "kill myself",
    "end my life",
    "take my life",
    "want to die",
    "better off dead",
    "no reason to live",
    "self-harm",
    "self harm",
    "cut myself",
    "hurt myself",
    "overdose",
    "hang myself",
    "suicide note",
    "kill him",
    "kill her",
  ],
};

/** The lexicon entries found in a text, in list order; [] when none. Both languages are checked. */
export function crisisTerms(text: string): string[] {
  const normal = text.normalize("NFKC").toLowerCase();
  const found: string[] = [];
  for (const term of CRISIS_LEXICON.zh) if (normal.includes(term)) found.push(term);
  for (const term of CRISIS_LEXICON.en) {
    const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/[ -]/g, "[\\s-]+");
    if (new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u").test(normal))
      found.push(term);
  }
  return found;
}
