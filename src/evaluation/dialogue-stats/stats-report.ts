import { basename } from "node:path";
import { readDialogueFile } from "../dataset/read-dialogue-file.js";
import {
  datasetStats,
  sessionStats,
  type DatasetStats,
  type SessionStats,
} from "./dialogue-stats.js";
import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";

export interface StatsDataset {
  name: string;
  file: string;
  stats: DatasetStats;
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
    datasets.push({ name, file, stats: datasetStats(perSession) });
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
