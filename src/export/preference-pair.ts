import { battleExclusion, type Battle } from "../core/battle.js";
import type { Turn } from "../core/dialogue.js";
import type { ChatMessage } from "../llm/chat-model.js";
import { trimHistory } from "./sft-sample.js";

/** One preference pair from an arena battle: the shared history, the reply the judge picked, the one it did not. */
export interface PreferencePair {
  /** The battle's id. */
  id: string;
  dialogueId: string;
  /** The battle's 1-based counselor turn (Algorithm 2). */
  turn: number;
  system?: string;
  /** Alternates user (client) and assistant (counselor), ending on the client. */
  history: ChatMessage[];
  chosen: string;
  rejected: string;
  chosenModel: string;
  rejectedModel: string;
  judge: string;
}

/** Why a battle gives no pair: no preference was expressed, or there is nothing to prefer. */
export type PairExclusion =
  "tie" | "both_bad" | "unparsed" | "identical-responses" | "retracted" | "skipped";

export function battlePair(
  battle: Battle,
  history: readonly Turn[],
  options: { system?: string; maxHistory?: number } = {},
): PreferencePair | PairExclusion {
  // The rule `ratings` and the platform share (core/battle.ts): undone votes, skips and
  // identical candidates never count.
  const exclusion = battleExclusion(battle);
  if (exclusion === "retracted" || exclusion === "skipped") return exclusion;
  if (battle.winner === null) return "unparsed";
  if (battle.winner === "tie" || battle.winner === "both_bad") return battle.winner;
  if (exclusion === "identical") return "identical-responses";
  const aWins = battle.winner === "a";
  const messages: ChatMessage[] = history.map((t) => ({
    role: t.role === "client" ? "user" : "assistant",
    content: t.content,
  }));
  return {
    id: battle.id,
    dialogueId: battle.dialogue_id,
    turn: battle.turn,
    ...(options.system === undefined ? {} : { system: options.system }),
    history: trimHistory(messages, options.maxHistory),
    chosen: aWins ? battle.response_a : battle.response_b,
    rejected: aWins ? battle.response_b : battle.response_a,
    chosenModel: aWins ? battle.model_a : battle.model_b,
    rejectedModel: aWins ? battle.model_b : battle.model_a,
    judge: battle.judge,
  };
}

/** LLaMA-Factory's sharegpt preference shape: history in `conversations`, `chosen` and `rejected` as single messages. */
export function toShareGptRanking(pair: PreferencePair): Record<string, unknown> {
  return {
    id: pair.id,
    conversations: pair.history.map((m) => ({
      from: m.role === "user" ? "human" : "gpt",
      value: m.content,
    })),
    chosen: { from: "gpt", value: pair.chosen },
    rejected: { from: "gpt", value: pair.rejected },
    ...(pair.system === undefined ? {} : { system: pair.system }),
  };
}

/**
 * OpenAI's preference (DPO) fine-tuning shape: the history as `input.messages` (system
 * first, ending on the client), and the chosen and rejected replies as one assistant
 * message each in `preferred_output` and `non_preferred_output`.
 */
export function toOpenAiPreference(pair: PreferencePair): Record<string, unknown> {
  return {
    input: {
      messages: [
        ...(pair.system === undefined ? [] : [{ role: "system", content: pair.system }]),
        ...pair.history.map((m) => ({ role: m.role, content: m.content })),
      ],
    },
    preferred_output: [{ role: "assistant", content: pair.chosen }],
    non_preferred_output: [{ role: "assistant", content: pair.rejected }],
  };
}

/** The plain form, for any trainer: every field named, provenance kept. */
export function toPlainPair(
  pair: PreferencePair,
  split: "train" | "validation",
): Record<string, unknown> {
  return {
    battle_id: pair.id,
    dialogue_id: pair.dialogueId,
    turn: pair.turn,
    split,
    ...(pair.system === undefined ? {} : { system: pair.system }),
    history: pair.history,
    chosen: pair.chosen,
    rejected: pair.rejected,
    chosen_model: pair.chosenModel,
    rejected_model: pair.rejectedModel,
    judge: pair.judge,
  };
}

export function rankingDatasetInfo(fileName: string, withSystem: boolean): Record<string, unknown> {
  return {
    file_name: fileName,
    formatting: "sharegpt",
    ranking: true,
    columns: {
      messages: "conversations",
      chosen: "chosen",
      rejected: "rejected",
      ...(withSystem ? { system: "system" } : {}),
    },
    tags: { role_tag: "from", content_tag: "value", user_tag: "human", assistant_tag: "gpt" },
  };
}
