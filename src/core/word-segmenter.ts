import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import type { Language } from "./language.js";

let jieba: Jieba | undefined;
const englishWords = new Intl.Segmenter("en", { granularity: "word" });

/** Punctuation, symbols, whitespace and control characters only: not a word. */
const NOT_A_WORD = /^[\p{P}\p{S}\p{Z}\p{C}\s]*$/u;

/** The tokenizer each language uses, as recorded in evaluation outputs. */
export const TOKENIZERS: Record<Language, string> = {
  zh: "jieba (@node-rs/jieba, default dictionary, HMM on), lower-cased, punctuation removed",
  en: "Intl.Segmenter word granularity (isWordLike), lower-cased, punctuation removed",
};

/** Calls `visit` with each word: jieba for Chinese, Unicode word segmentation for English; lower-cased, punctuation dropped. */
function forEachWord(text: string, language: Language, visit: (word: string) => void): void {
  if (language === "zh") {
    jieba ??= Jieba.withDict(dict);
    for (const token of jieba.cut(text, true)) {
      // Most tokens start with a Han character: they are words and need no case folding.
      const first = token.charCodeAt(0);
      if (first >= 0x4e00 && first <= 0x9fff) visit(token);
      else if (!NOT_A_WORD.test(token)) visit(token.toLowerCase());
    }
    return;
  }
  // Line by line: the segmenter's cost grows faster than linearly on very long strings.
  for (const line of text.split("\n")) {
    for (const s of englishWords.segment(line)) {
      if (s.isWordLike && !NOT_A_WORD.test(s.segment)) visit(s.segment.toLowerCase());
    }
  }
}

/**
 * Words of a text: Chinese by jieba segmentation, English by Unicode word segmentation;
 * lower-cased; tokens made only of punctuation, symbols or spaces dropped.
 */
export function segmentWords(text: string, language: Language): string[] {
  const out: string[] = [];
  forEachWord(text, language, (w) => out.push(w));
  return out;
}

/** Set(V(·)) of Eq. 1: the distinct words of a text, minus optional stop words. */
export function vocabulary(
  text: string,
  language: Language,
  stopWords?: ReadonlySet<string>,
): Set<string> {
  const words = new Set<string>();
  forEachWord(
    text,
    language,
    stopWords ? (w) => void (stopWords.has(w) || words.add(w)) : (w) => void words.add(w),
  );
  return words;
}
