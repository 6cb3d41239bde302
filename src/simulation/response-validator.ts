import type { Language } from "../core/language.js";

export type RejectionReason = "empty" | "too_long" | "newline" | "enumeration";

export interface ValidatorSettings {
  /** Chinese replies: at most this many characters (paper §3.5: 200). */
  maxChineseChars: number;
  /** English replies: at most this many words (the paper has no English rule; psysim's default). */
  maxEnglishWords: number;
}

export const DEFAULT_VALIDATOR_SETTINGS: ValidatorSettings = {
  maxChineseChars: 200,
  maxEnglishWords: 120,
};

export interface Verdict {
  ok: boolean;
  reasons: RejectionReason[];
}

// Numbered markers as list items, not numbers in prose: "1." "2、" "3)" after a start or a break.
const NUMBERED = /(?:^|[\s:：;；,，。!！?？])(\d{1,2})\s*[.、)）](?!\d)/gu;
const PAREN_NUMBERED = /[(（]\s*(\d{1,2})\s*[)）]/gu;
const CIRCLED = /[\u2460-\u2473\u2776-\u277f]/u;
const CHINESE_ORDINAL = /(?:^|[\s:：;；,，。])[一二三四五六七八九十]\s*[、.．]/u;
const BULLET = /[•●▪◦■□◆◇➢➤✓✔]/u;

function numbersIn(text: string, pattern: RegExp): Set<number> {
  return new Set([...text.matchAll(pattern)].map((m) => Number(m[1])));
}

/** True when the reply contains list structure (the paper's "enumerated items, e.g. 1, 2, 3"). */
export function hasEnumeration(text: string): boolean {
  if (CIRCLED.test(text) || CHINESE_ORDINAL.test(text) || BULLET.test(text)) return true;
  // "(1)" is a list marker on its own; "1." alone may end a sentence ("in 2019."), so a
  // bare number counts only when the sequence continues (1 and 2).
  const paren = numbersIn(text, PAREN_NUMBERED);
  if (paren.has(1)) return true;
  const numbered = numbersIn(text, NUMBERED);
  return numbered.has(1) && numbered.has(2);
}

// One segmenter for the process: building one per call showed up in the simulation profile.
const WORDS = new Intl.Segmenter("en", { granularity: "word" });

export function countWords(text: string): number {
  let n = 0;
  for (const segment of WORDS.segment(text)) if (segment.isWordLike) n++;
  return n;
}

/**
 * The response validator σ (paper §3.5): a counselor reply is accepted only when it is
 * short (≤ 200 Chinese characters, or a word limit for English), has no newline and no
 * enumeration. Pure; the counselor agent decides what to do with a refusal.
 */
export class ResponseValidator {
  readonly language: Language;
  readonly settings: ValidatorSettings;

  constructor(language: Language, settings: Partial<ValidatorSettings> = {}) {
    this.language = language;
    this.settings = { ...DEFAULT_VALIDATOR_SETTINGS, ...settings };
  }

  check(reply: string): Verdict {
    const reasons: RejectionReason[] = [];
    const text = reply.trim();
    if (text === "") reasons.push("empty");
    const tooLong =
      this.language === "zh"
        ? [...text].length > this.settings.maxChineseChars
        : countWords(text) > this.settings.maxEnglishWords;
    if (tooLong) reasons.push("too_long");
    if (/[\r\n\u2028\u2029]/.test(text)) reasons.push("newline");
    if (hasEnumeration(text)) reasons.push("enumeration");
    return { ok: reasons.length === 0, reasons };
  }
}
