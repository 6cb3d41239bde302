import { readFileSync } from "node:fs";
import { readBattleFile } from "../arena/read-battle-files.js";
import type { JudgeAgreementResult } from "../arena/judge-agreement.js";
import type { RatingsResult } from "../arena/ratings-report.js";
import type { ArenaSafetyResult } from "../arena/arena-safety-rates.js";
import type { Battle } from "../core/battle.js";
import type { Dialogue } from "../core/dialogue.js";
import { PsysimError } from "../core/errors.js";
import { readRoleCards } from "../core/read-records.js";
import type { RoleCard } from "../core/role-card.js";
import { readDialogueFile } from "../evaluation/dataset/read-dialogue-file.js";
import type { StatsResult } from "../evaluation/dialogue-stats/stats-report.js";
import { fileRef, type InputFileRef } from "../evaluation/evaluation-result.js";
import type { FidelityResult } from "../evaluation/fidelity/fidelity-report.js";
import type { TopicsResult } from "../evaluation/topics/topics-report.js";
import type { WaiResult } from "../evaluation/wai/wai-report.js";
import type { CompareResult } from "../evaluation/compare-datasets.js";
import type { SafetyResult } from "../evaluation/safety/safety-report.js";
import type { StagesResult } from "../evaluation/stages/stages-report.js";
import { datasetName } from "./evaluation-summaries.js";

export interface NamedFile {
  name: string;
  file: string;
}

/** What `psysim report` was given; every path is read once, with its hash recorded. */
export interface ReportInputFiles {
  datasets: readonly NamedFile[];
  battles: readonly string[];
  cards: readonly string[];
  evaluations: readonly string[];
}

/** `psysim judge-agreement --json` output. */
export type JudgeAgreementJson = Omit<JudgeAgreementResult, "judged"> & {
  schema: "psysim.judge-agreement/1";
  inputs: { battles: string; dialogues: string };
  settings: { prompt: number; both_orders: boolean; seed: number };
  battles_judged: number;
};

export type LoadedEvaluation =
  | { kind: "stats"; ref: InputFileRef; result: StatsResult }
  | { kind: "fidelity"; ref: InputFileRef; result: FidelityResult }
  | { kind: "topics"; ref: InputFileRef; result: TopicsResult }
  | { kind: "wai"; ref: InputFileRef; result: WaiResult }
  | { kind: "compare"; ref: InputFileRef; result: CompareResult }
  | { kind: "stages"; ref: InputFileRef; result: StagesResult }
  | { kind: "safety"; ref: InputFileRef; result: SafetyResult }
  | { kind: "ratings"; ref: InputFileRef; result: RatingsResult }
  | { kind: "judge-agreement"; ref: InputFileRef; result: JudgeAgreementJson }
  | { kind: "arena-safety"; ref: InputFileRef; result: ArenaSafetyResult };

export interface LoadedDataset {
  name: string;
  ref: InputFileRef;
  dialogues: Dialogue[];
}

export interface ReportInputs {
  datasets: LoadedDataset[];
  battles: { ref: InputFileRef; battles: Battle[] }[];
  cards: Map<string, RoleCard>;
  cardRefs: InputFileRef[];
  evaluations: LoadedEvaluation[];
}

/**
 * `name=file` as given to `--dataset`; a bare file is named after its base name. Names
 * must be unique, since they label table columns and figure legends.
 */
export function parseDatasetArgs(values: readonly string[]): NamedFile[] {
  const named = values.map((value) => {
    const at = value.indexOf("=");
    const name = at > 0 ? value.slice(0, at).trim() : "";
    const file = at > 0 ? value.slice(at + 1) : value;
    if (file === "")
      throw new PsysimError("INPUT_INVALID", `--dataset expects NAME=FILE or FILE, got "${value}"`);
    return { name: name || datasetName(file), file };
  });
  const seen = new Set<string>();
  for (const { name } of named) {
    if (seen.has(name))
      throw new PsysimError(
        "INPUT_INVALID",
        `--dataset: two datasets are called "${name}"; name them, e.g. --dataset real=a.jsonl --dataset sim=b.jsonl`,
      );
    seen.add(name);
  }
  return named;
}

const EVALUATION_KINDS = [
  "stats",
  "fidelity",
  "topics",
  "wai",
  "compare",
  "stages",
  "safety",
  "arena-safety",
] as const;

/** Reads one evaluation JSON and says which psysim command wrote it. */
export function readEvaluationFile(file: string): LoadedEvaluation {
  const ref = fileRef("evaluation", file);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PsysimError("INPUT_INVALID", `${file}: not valid JSON (${(error as Error).message})`);
  }
  const record = (typeof value === "object" && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const schema = record["schema"];
  if (schema === "psysim.evaluation/1") {
    const kind = record["kind"];
    if ((EVALUATION_KINDS as readonly unknown[]).includes(kind))
      return { kind, ref, result: value } as LoadedEvaluation;
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}: kind: "${String(kind)}" is not one the report draws (${EVALUATION_KINDS.join(", ")}, ratings, judge agreement)`,
    );
  }
  if (schema === "psysim.ratings/1")
    return { kind: "ratings", ref, result: value as RatingsResult };
  if (schema === "psysim.judge-agreement/1")
    return { kind: "judge-agreement", ref, result: value as JudgeAgreementJson };
  throw new PsysimError(
    "INPUT_INVALID",
    `${file}: schema: not a psysim result (expected psysim.evaluation/1, psysim.ratings/1 or psysim.judge-agreement/1; write one with --json)`,
  );
}

/** Reads every input, failing on the first bad one with `file:line: field: reason`. */
export async function readReportInputs(files: ReportInputFiles): Promise<ReportInputs> {
  const datasets: LoadedDataset[] = [];
  for (const { name, file } of files.datasets) {
    const dialogues = await readDialogueFile(file);
    datasets.push({ name, dialogues, ref: fileRef("dialogues", file, dialogues.length) });
  }
  const battles = [];
  for (const file of files.battles) {
    const read = await readBattleFile(file);
    battles.push({ battles: read, ref: fileRef("battles", file, read.length) });
  }
  const cards = new Map<string, RoleCard>();
  const cardRefs: InputFileRef[] = [];
  for (const file of files.cards) {
    const read = await readRoleCards(file);
    for (const card of read) if (card.id !== undefined) cards.set(card.id, card);
    cardRefs.push(fileRef("cards", file, read.length));
  }
  return {
    datasets,
    battles,
    cards,
    cardRefs,
    evaluations: files.evaluations.map(readEvaluationFile),
  };
}
