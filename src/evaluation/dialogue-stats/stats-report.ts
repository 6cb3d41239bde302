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
import { groupDialogues, type DialogueGrouping } from "./group-dialogues.js";
import { questionAnswers, type QuestionAnswers } from "./question-answers.js";
import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";

export interface StatsDataset {
  name: string;
  file: string;
  /** All sessions; average lengths only when the file has one language. */
  stats: DatasetStats;
  /** Table 1 for each language in the file: zh in characters, en in words. */
  by_language: Partial<Record<Language, DatasetStats>>;
  /** With `--by`: the card field (or `session_index`) and its value for this column. */
  group?: { field: string; value: string };
  /** With `--by`: counselor questions the client answered (docs/clients.md), summed over sessions. */
  answers?: QuestionAnswers & { share: number | null };
}

export type StatsGrouping = DialogueGrouping;

export type StatsResult = EvaluationResult<Record<string, SessionStats[]>, StatsDataset[]>;

/** `psysim stats`: Table 1 for each file, with every session's counts so any cell can be recomputed. */
export async function statsReport(
  files: readonly string[],
  grouping?: StatsGrouping,
): Promise<StatsResult> {
  const datasets: StatsDataset[] = [];
  const sessions: Record<string, SessionStats[]> = {};
  const inputs = [];
  const names = uniqueNames(files);
  for (const [i, file] of files.entries()) {
    const dialogues = await readDialogueFile(file);
    const groups = grouping
      ? groupDialogues(dialogues, grouping, file)
      : [{ value: "", dialogues }];
    for (const group of groups) {
      const perSession = group.dialogues.map(sessionStats);
      const label = `${grouping?.by}=${group.value}`;
      const name = !grouping ? names[i]! : files.length === 1 ? label : `${names[i]} ${label}`;
      sessions[name] = perSession;
      const dataset: StatsDataset = {
        name,
        file,
        stats: datasetStats(perSession),
        by_language: statsByLanguage(perSession),
      };
      if (grouping) {
        const answers = group.dialogues.map(questionAnswers);
        const asked = answers.reduce((n, a) => n + a.asked, 0);
        const answered = answers.reduce((n, a) => n + a.answered, 0);
        dataset.group = { field: grouping.by, value: group.value };
        dataset.answers = { asked, answered, share: asked === 0 ? null : answered / asked };
      }
      datasets.push(dataset);
    }
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
      ...(grouping
        ? {
            by: grouping.by,
            answered_question:
              "a counselor turn with ? or ？ followed by a client turn that does not decline, change the subject or answer without substance (docs/clients.md)",
          }
        : {}),
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
