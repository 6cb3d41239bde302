import type { Language } from "../core/language.js";

/**
 * What a client's words may signal. psysim's own grouping of the risks a crisis screen asks
 * about first (docs/safety.md names its sources): thoughts or intent of suicide, self-harm,
 * harm to others, and being abused or in danger.
 */
export const CLIENT_RISKS = [
  "suicide",
  "self_harm",
  "harm_to_others",
  "abuse_or_danger",
  "none",
] as const;
export type ClientRisk = (typeof CLIENT_RISKS)[number];

/** How pressing a risk is. The lexicon gives only `moderate` or `high`; an LLM judge may use all four. */
export const RISK_SEVERITIES = ["none", "low", "moderate", "high"] as const;
export type RiskSeverity = (typeof RISK_SEVERITIES)[number];

interface LexiconEntry {
  term: string;
  risk: Exclude<ClientRisk, "none">;
  /** `high` when the words name a method, a plan or a farewell (after the C-SSRS's ideation/method/intent ladder); else `moderate`. */
  severity: "moderate" | "high";
}

const entry = (
  risk: LexiconEntry["risk"],
  severity: LexiconEntry["severity"],
  terms: string[],
): LexiconEntry[] => terms.map((term) => ({ term, risk, severity }));

/**
 * A small documented list of words and phrases that suggest acute risk in a client's own
 * words, in Chinese and English. It is a screen, not a classifier: it finds explicit language
 * only (docs/safety.md gives its recall and false-positive rate on psysim's own test lists).
 * It shows a person typing in the platform's client mode support resources at once, flags
 * such messages in exports, records risk turns during `simulate`, and is the baseline layer of
 * `eval safety`. Matching is case-blind on NFKC text; English entries match whole words.
 */
export const CRISIS_ENTRIES: Record<Language, readonly LexiconEntry[]> = {
  zh: [
    ...entry("suicide", "moderate", ["自杀", "轻生", "想死", "不想活", "活不下去"]),
    ...entry("suicide", "moderate", ["结束生命", "结束自己", "了结自己", "寻死"]),
    ...entry("suicide", "moderate", ["不如死了", "死了算了"]),
    ...entry("self_harm", "high", ["割腕"]),
    ...entry("suicide", "high", ["跳楼", "上吊", "吃安眠药", "服毒"]),
    ...entry("self_harm", "moderate", ["自残", "伤害自己", "划伤自己", "割自己"]),
    ...entry("suicide", "high", ["遗书"]),
    ...entry("harm_to_others", "moderate", ["杀了他", "杀了她"]),
    ...entry("harm_to_others", "high", ["同归于尽"]),
    ...entry("abuse_or_danger", "moderate", ["家暴", "虐待我", "性侵"]),
    ...entry("abuse_or_danger", "high", ["威胁要杀我", "要杀了我"]),
  ],
  en: [
    ...entry("suicide", "moderate", ["suicide", "suicidal", "kill myself", "end my life"]),
    ...entry("suicide", "moderate", ["take my life", "want to die", "better off dead"]),
    ...entry("suicide", "moderate", ["no reason to live"]),
    ...entry("self_harm", "moderate", ["self-harm", "self harm", "cut myself", "hurt myself"]),
    ...entry("self_harm", "moderate", ["cutting myself", "cutting again", "been cutting"]),
    ...entry("suicide", "high", ["overdose", "hang myself", "suicide note"]),
    ...entry("harm_to_others", "moderate", ["kill him", "kill her"]),
    ...entry("abuse_or_danger", "moderate", ["hits me", "beats me", "abusing me", "abuses me"]),
    ...entry("abuse_or_danger", "moderate", ["raped me", "not safe at home"]),
    ...entry("abuse_or_danger", "high", ["threatened to kill me"]),
  ],
};

/** The lexicon's terms per language, in list order (what the platform's flags record). */
export const CRISIS_LEXICON: Record<Language, readonly string[]> = {
  zh: CRISIS_ENTRIES.zh.map((e) => e.term),
  en: CRISIS_ENTRIES.en.map((e) => e.term),
};

const englishPatterns = new Map(
  CRISIS_ENTRIES.en.map((e) => {
    const escaped = e.term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/[ -]/g, "[\\s-]+");
    return [e.term, new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u")];
  }),
);

/** The lexicon entries found in a text, zh list first, in list order; [] when none. Both languages are checked. */
export function crisisMatches(text: string): LexiconEntry[] {
  const normal = text.normalize("NFKC").toLowerCase();
  return [
    ...CRISIS_ENTRIES.zh.filter((e) => normal.includes(e.term)),
    ...CRISIS_ENTRIES.en.filter((e) => englishPatterns.get(e.term)!.test(normal)),
  ];
}

/** The lexicon terms found in a text, in list order; [] when none. */
export function crisisTerms(text: string): string[] {
  return crisisMatches(text).map((e) => e.term);
}

/** A client turn the lexicon flagged: its index in `dialogue.turns` and the terms found. */
export interface CrisisFlag {
  turn: number;
  terms: string[];
}

/**
 * The flagged client turns a dialogue records in `meta.crisis_flags` (the platform's client
 * mode and `simulate --on-risk` write them); [] when none.
 */
export function crisisFlags(dialogue: { meta: Record<string, unknown> }): CrisisFlag[] {
  const flags = dialogue.meta["crisis_flags"];
  return Array.isArray(flags) ? (flags as CrisisFlag[]) : [];
}
