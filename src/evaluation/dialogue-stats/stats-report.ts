import { basename } from "node:path";
import { readDialogueFile } from "../dataset/read-dialogue-file.js";
import type { Language } from "../../core/language.js";
import {
  datasetStats,
  sessionStats,
  statsByLanguage,
  type DatasetStats,
  type SessionStats,
} from "./dialogue-stats.js";
import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";

export interface StatsDataset {
  name: string;
  file: string;
  /** All sessions; average lengths only when the file has one language. */
  stats: DatasetStats;
  /** Table 1 for each language in the file: zh in characters, en in words. */
  by_language: Partial<Record<Language, DatasetStats>>;
}

export type StatsResult = EvaluationResult<Record<string, SessionStats[]>, StatsDataset[]>;

/** `psysim stats`: Table 1 for each file, with every session's counts so any cell can be recomputed. */
export async function statsReport(files: readonly string[]): Promise<StatsResult> {
  const datasets: StatsDataset[] = [];
  const sessions: Record<string, SessionStats[]> = {};
  const inputs = [];
  const names = uniqueNames(files);
  for (const [i, file] of files.entries()) {
    const dialogues = await readDialogueFile(file);
    const perSession = dialogues.map(sessionStats);
    const name = names[i]!;
    sessions[name] = perSession;
    datasets.push({
      name,
      file,
      stats: datasetStats(perSession),
      by_language: statsByLanguage(perSession),
    });
    inputs.push(fileRef("dialogues", file, dialogues.length));
  }
  return evaluationResult("stats", {
    inputs,
    settings: {
      turn: "one client utterance answered by the counselor",
      length_unit: {
        zh: "characters, whitespace not counted",
        en: "words (Intl.Segmenter, isWordLike)",
      },
      languages:
        "Table 1 per language (by_language); lengths of zh and en are never averaged together",
      sd: "sample standard deviation (n - 1)",
    },
    sessions,
    aggregates: datasets,
  });
}

/** Column names: file base names, made unique with their position when two files share one. */
export function uniqueNames(files: readonly string[]): string[] {
  const bases = files.map((f) => basename(f).replace(/\.(jsonl|json)$/i, ""));
  return bases.map((b, i) => (bases.indexOf(b) !== bases.lastIndexOf(b) ? `${b} (${i + 1})` : b));
}
