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

// What may stand before a list number: the start, a break, or (as in "1.深呼吸2.散步") the end of
// the previous item. A digit or a decimal point may not, so "2019." and "3.5" stay numbers.
const ITEM_START = String.raw`(?<![\d.．])`;
// "1." "2、" "3)" — a number with a list marker, not followed by another digit ("3.5", "1、2次").
const MARKED_NUMBER = new RegExp(String.raw`${ITEM_START}(\d{1,2})\s*[.．、)）](?!\s*\d)`, "gu");
// "1 深呼吸，2 散步，3 写日记": a bare number at the start or after a break, followed by text that
// is not a unit ("1 月 2 日", "2 个", "3 hours" are quantities, not items).
const UNIT = String.raw`(?:[个次天岁点年月日号分秒周件本位名种只条张遍倍层斤公米元块]|小时|分钟|hours?|minutes?|days?|weeks?|months?|years?|times?|kg|km|am|pm)`;
const BARE_NUMBER = new RegExp(
  String.raw`(?:^|(?<=[\s,，;；。:：!！?？]))(\d{1,2})(?=\s*[^\s\d.．,，、%％])(?!\s*${UNIT})`,
  "giu",
);
const PAREN_NUMBERED = /[(（]\s*(\d{1,2})\s*[)）]/gu;
const CIRCLED = /[\u2460-\u2473\u2776-\u277f]/u;
const CHINESE_NUMBERED = /(?:^|[\s:：;；,，。])[一二三四五六七八九十]\s*[、.．]/u;
// "第一，……第二，……" / "第一步：…第二步：…": ordinals that open a clause. "第一次…第二次" is prose.
const CHINESE_ORDINAL = /第([一二三四五六七八九十])[步点条]?\s*[，,、:：;；.．]/gu;
// "首先，……其次，……": list-like only when both open a clause; "首先你要…" alone is prose.
const FIRST_THEN = /首先\s*[，,:：][^]*其次\s*[，,:：]/u;
const ENGLISH_ORDINAL = /(?:^|[.!?;:]\s*)(first|second|third)(?:ly)?\s*,/giu;
const BULLET = /[•●▪◦■□◆◇➢➤✓✔]/u;
const CHINESE_DIGITS = "一二三四五六七八九十";

/** Whether the numbers found by `pattern` run 1, 2, … up to `length`, each after the previous. */
function runsInSequence(
  text: string,
  pattern: RegExp,
  length: number,
  toNumber: (marker: string) => number = Number,
): boolean {
  let next = 1;
  for (const match of text.matchAll(pattern)) {
    if (toNumber(match[1]!.toLowerCase()) === next && ++next > length) return true;
  }
  return false;
}

const ENGLISH_ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3 };

/**
 * True when the reply contains list structure (the paper's "enumerated items, e.g. 1, 2, 3").
 * A single number or ordinal may be prose ("in 2019.", "第一次", "First, thank you"), so most
 * markers count only when the sequence continues.
 */
export function hasEnumeration(text: string): boolean {
  if (CIRCLED.test(text) || CHINESE_NUMBERED.test(text) || BULLET.test(text)) return true;
  if (FIRST_THEN.test(text)) return true;
  // "(1)" is a list marker on its own.
  if ([...text.matchAll(PAREN_NUMBERED)].some((m) => m[1] === "1")) return true;
  return (
    runsInSequence(text, MARKED_NUMBER, 2) ||
    // Bare numbers are common in prose ("1 hour, then 2"), so a list needs three of them.
    runsInSequence(text, BARE_NUMBER, 3) ||
    runsInSequence(text, CHINESE_ORDINAL, 2, (d) => CHINESE_DIGITS.indexOf(d) + 1) ||
    runsInSequence(text, ENGLISH_ORDINAL, 2, (w) => ENGLISH_ORDINALS[w] ?? 0)
  );
}

// One segmenter for the process: building one per call showed up in the simulation profile.
const WORDS = new Intl.Segmenter("en", { granularity: "word" });

export function countWords(text: string): number {
  let n = 0;
  for (const segment of WORDS.segment(text)) if (segment.isWordLike) n++;
  return n;
}

/**
 * Whether `text` has at most `limit` words, as `countWords` counts them. The segmenter is
 * the slowest step of σ, so ASCII text is first bounded cheaply: Unicode word rules never
 * split a run of ASCII letters, digits and "_", so the runs are at least the words.
 */
export function wordsAtMost(text: string, limit: number): boolean {
  let runs = 0;
  let inRun = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return countWords(text) <= limit;
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (word && !inRun) runs++;
    inRun = word;
  }
  return runs <= limit || countWords(text) <= limit;
}

/** Unicode code points in `text` (what `[...text].length` counts), without building the array. */
export function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
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
        ? codePoints(text) > this.settings.maxChineseChars
        : !wordsAtMost(text, this.settings.maxEnglishWords);
    if (tooLong) reasons.push("too_long");
    if (/[\r\n\u2028\u2029]/.test(text)) reasons.push("newline");
    if (hasEnumeration(text)) reasons.push("enumeration");
    return { ok: reasons.length === 0, reasons };
  }
}
