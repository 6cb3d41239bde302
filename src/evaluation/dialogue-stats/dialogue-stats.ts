import { endingLabel, type Dialogue } from "../../core/dialogue.js";
import type { Language } from "../../core/language.js";
import { mean, median, summarize, type Summary } from "../statistics/descriptive-stats.js";
import { segmentWords } from "../../core/word-segmenter.js";

/** The code units JavaScript's `\s` matches: whitespace is not counted as a character. */
function isWhitespace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Utterance length: characters (code points, whitespace not counted) for Chinese, words for English. */
export function utteranceLength(text: string, language: Language): number {
  if (language === "en") return segmentWords(text, "en").length;
  // A scan of code units rather than a regex per character: this runs over every utterance of every file.
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0xdc00 || c > 0xdfff) && !isWhitespace(c)) n++;
  }
  return n;
}

export const LENGTH_UNITS: Record<Language, string> = { zh: "characters", en: "words" };

/** A turn is one client utterance answered by the counselor (the paper's Table 1). */
export function turnCount(dialogue: Dialogue): number {
  let turns = 0;
  for (let i = 1; i < dialogue.turns.length; i++) {
    if (dialogue.turns[i]!.role === "counselor" && dialogue.turns[i - 1]!.role === "client")
      turns++;
  }
  return turns;
}

export interface SessionStats {
  dialogue_id: string;
  language: Language;
  turns: number;
  client_utterances: number;
  counselor_utterances: number;
  /** Summed lengths, in the session language's unit, so averages can be recomputed exactly. */
  client_length: number;
  counselor_length: number;
  ended_by: string;
}

/**
 * Table 1 for one dataset, plus the spread of turns and how sessions ended. Lengths are
 * characters for Chinese and words for English and are never averaged together: a dataset
 * with both languages has no average lengths here (`null`); see `statsByLanguage`.
 */
export interface DatasetStats {
  sessions: number;
  languages: Partial<Record<Language, number>>;
  /** "characters" (all zh), "words" (all en) or "none: mixed languages, see by language". */
  length_unit: string;
  avg_turns: number | null;
  turns: Pick<Summary, "min" | "max" | "median">;
  client_utterances: number;
  counselor_utterances: number;
  avg_client_length: number | null;
  avg_counselor_length: number | null;
  endings: Record<string, number>;
}

export function sessionStats(dialogue: Dialogue): SessionStats {
  const s: SessionStats = {
    dialogue_id: dialogue.id,
    language: dialogue.language,
    turns: turnCount(dialogue),
    client_utterances: 0,
    counselor_utterances: 0,
    client_length: 0,
    counselor_length: 0,
    ended_by: endingLabel(dialogue),
  };
  for (const t of dialogue.turns) {
    const length = utteranceLength(t.content, dialogue.language);
    if (t.role === "client") {
      s.client_utterances++;
      s.client_length += length;
    } else {
      s.counselor_utterances++;
      s.counselor_length += length;
    }
  }
  return s;
}

export function datasetStats(sessions: readonly SessionStats[]): DatasetStats {
  const languages: Partial<Record<Language, number>> = {};
  const endings: Record<string, number> = {};
  let client = 0;
  let counselor = 0;
  let clientLength = 0;
  let counselorLength = 0;
  for (const s of sessions) {
    languages[s.language] = (languages[s.language] ?? 0) + 1;
    endings[s.ended_by] = (endings[s.ended_by] ?? 0) + 1;
    client += s.client_utterances;
    counselor += s.counselor_utterances;
    clientLength += s.client_length;
    counselorLength += s.counselor_length;
  }
  const langs = Object.keys(languages) as Language[];
  const turns = sessions.map((s) => s.turns);
  const spread = summarize(turns);
  const mixed = langs.length > 1;
  return {
    sessions: sessions.length,
    languages,
    length_unit: langs.length === 1 ? LENGTH_UNITS[langs[0]!] : mixed ? MIXED_UNIT : "characters",
    avg_turns: mean(turns),
    turns: { min: spread.min, max: spread.max, median: median(turns) },
    client_utterances: client,
    counselor_utterances: counselor,
    avg_client_length: client === 0 || mixed ? null : clientLength / client,
    avg_counselor_length: counselor === 0 || mixed ? null : counselorLength / counselor,
    endings,
  };
}

export const MIXED_UNIT = "none: mixed languages, see by language";

/** Table 1 per language (zh in characters, en in words), for the languages present. */
export function statsByLanguage(
  sessions: readonly SessionStats[],
): Partial<Record<Language, DatasetStats>> {
  const out: Partial<Record<Language, DatasetStats>> = {};
  for (const language of ["zh", "en"] as const) {
    const own = sessions.filter((s) => s.language === language);
    if (own.length > 0) out[language] = datasetStats(own);
  }
  return out;
}
