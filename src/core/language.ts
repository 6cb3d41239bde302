export type Language = "zh" | "en";
export const LANGUAGES = ["zh", "en"] as const;

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/gu;
const LATIN_WORD = /[A-Za-z]+/g;

/** Guesses zh vs en from script: any real share of Han characters means Chinese. */
export function detectLanguage(text: string): Language {
  const han = text.match(CJK)?.length ?? 0;
  const words = text.match(LATIN_WORD)?.length ?? 0;
  return han > 0 && han >= words * 0.5 ? "zh" : "en";
}
