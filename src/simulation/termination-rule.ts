import type { Language } from "../core/language.js";

/**
 * Termination phrases g (paper Table 2, plus 期待再次 from the authors' code). A session
 * ends when a counselor reply contains one of them.
 */
export const DEFAULT_TERMINATION_PHRASES: Record<Language, readonly string[]> = {
  zh: [
    "再见",
    "加油",
    "保重",
    "欢迎回来",
    "一切顺利",
    "祝你好运",
    "期待听到",
    "期待再次",
    "期待你",
    "下一次",
    "下次见",
  ],
  en: [
    "goodbye",
    "good bye",
    "keep it up",
    "take care",
    "welcome back",
    "all the best",
    "good luck",
    "looking forward to hearing",
    "looking forward to see you",
    "looking forward to seeing you",
    "see you next time",
    "next time",
  ],
};

/** The termination function g of Algorithms 1 and 2. */
export class TerminationRule {
  readonly language: Language;
  readonly phrases: readonly string[];
  private readonly pattern: RegExp;

  constructor(
    language: Language,
    phrases: readonly string[] = DEFAULT_TERMINATION_PHRASES[language],
  ) {
    this.language = language;
    this.phrases = phrases;
    const escaped = [...phrases]
      .sort((a, b) => b.length - a.length)
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ +/g, "\\s+"));
    // English phrases must stand as whole words ("next time" must not fire inside "nexttimer");
    // Chinese has no spaces, so a substring is the only sensible match.
    const body = escaped.join("|");
    this.pattern =
      language === "en"
        ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, "iu")
        : new RegExp(body, "u");
  }

  /** The phrase that fires on this reply, as written in the phrase list, or undefined. */
  match(reply: string): string | undefined {
    if (this.phrases.length === 0) return undefined;
    const found = this.pattern.exec(reply);
    if (!found) return undefined;
    const text = found[0].toLowerCase().replace(/\s+/g, " ");
    return this.phrases.find((p) => p.toLowerCase() === text) ?? found[0];
  }
}
