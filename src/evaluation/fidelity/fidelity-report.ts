import { readRoleCards } from "../../core/read-records.js";
import { readDialogueFile, shardPositions, withShard } from "../dataset/read-dialogue-file.js";
import type { Shard } from "../../core/shard.js";
import type { EmbeddingModel } from "../../llm/chat-model.js";
import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";
import {
  evaluateFidelity,
  fidelityAggregates,
  type FidelityAggregates,
  type FidelitySession,
} from "./fidelity.js";
import { aggregateByGroup, groupDialogues } from "../dialogue-stats/group-dialogues.js";
import { readStopWords } from "./stop-words.js";
import type { TTestKind } from "../statistics/t-test.js";

export interface FidelityReportOptions {
  dialogues: string;
  cards: string;
  seed: number;
  /** True vs random mapping; default `paired` (see `FidelityOptions.test`). */
  test?: TTestKind;
  embedding?: EmbeddingModel;
  batchSize?: number;
  stopWords?: string;
  onProgress?: (done: number, total: number) => void;
  /** One result per value of this card field or of `session_index` (the cards are `cards`). */
  by?: string;
  /** Rate one shard's sessions; the random mapping still spans the whole file. */
  shard?: Shard;
}

export type FidelityResult = EvaluationResult<FidelitySession[], FidelityAggregates>;

/** `psysim eval fidelity`: reads the files, evaluates, and returns the traceable result. */
export async function fidelityReport(options: FidelityReportOptions): Promise<FidelityResult> {
  const dialogues = await readDialogueFile(options.dialogues);
  const cards = await readRoleCards(options.cards);
  const positions = options.shard && shardPositions(dialogues, options.shard, options.dialogues);
  const rated = positions ? positions.map((i) => dialogues[i]!) : dialogues;
  const inputs = [
    fileRef("dialogues", options.dialogues, rated.length),
    fileRef("cards", options.cards, cards.length),
  ];
  // Grouped before any embedding call; the random mapping still spans the whole file.
  const groups =
    options.by !== undefined
      ? groupDialogues(rated, { by: options.by, cards }, options.dialogues)
      : undefined;
  const stopWords = options.stopWords ? readStopWords(options.stopWords) : undefined;
  if (options.stopWords) inputs.push(fileRef("stop-words", options.stopWords));
  const evaluation = await evaluateFidelity(dialogues, cards, {
    seed: options.seed,
    ...(options.test && { test: options.test }),
    ...(options.embedding && { embedding: options.embedding }),
    ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
    ...(stopWords && { stopWords }),
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(positions && { positions }),
    sources: { dialogues: options.dialogues, cards: options.cards },
  });
  return evaluationResult("fidelity", {
    inputs,
    settings: withShard(evaluation.settings, options.shard),
    ...(positions && { positions }),
    sessions: evaluation.sessions,
    aggregates: evaluation.aggregates,
    ...(groups && {
      by_group: aggregateByGroup(groups, options.by!, evaluation.sessions, (own) =>
        fidelityAggregates(own, options.test ?? "paired", options.embedding !== undefined),
      ),
    }),
  });
}
