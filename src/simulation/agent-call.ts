import type { ContextDrop } from "../core/dialogue.js";
import { deriveSeed } from "../core/random.js";
import { addUsage, type Usage } from "../core/usage.js";
import type { ChatModel, ChatRequest, SamplingParams } from "../llm/chat-model.js";

/** Where in which session a call happens: the pieces of its cache sample key. */
export interface CallContext {
  dialogueId: string;
  /** 1-based turn number (a turn = one client utterance and the counselor reply). */
  turn: number;
  /** Seed of the session; each call derives its own from it and its sample key. */
  seed: number;
  signal?: AbortSignal;
  /** The session's record of calls whose model left out turns to fit its context. */
  contextDrops?: ContextDrop[];
}

export function sampleKey(context: CallContext, speaker: string, attempt: number): string {
  return `${context.dialogueId}/turn-${context.turn}/${speaker}/attempt-${attempt}`;
}

/**
 * One model call on behalf of an agent. Each attempt has its own sample key and seed, so a
 * regenerated reply is a new sample, yet rerunning the same work replays the same answers.
 */
export async function callAgentModel(
  model: ChatModel,
  request: Omit<ChatRequest, "sampleKey" | "params" | "signal">,
  context: CallContext,
  speaker: string,
  attempt: number,
  sampling: SamplingParams,
  usage: Usage,
): Promise<string> {
  const key = sampleKey(context, speaker, attempt);
  const response = await model.complete({
    ...request,
    sampleKey: key,
    params: { ...sampling, seed: sampling.seed ?? deriveSeed(context.seed, key) },
    ...(context.signal ? { signal: context.signal } : {}),
  });
  addUsage(usage, response.usage);
  if (response.droppedTurns && context.contextDrops)
    recordDrop(context.contextDrops, {
      turn: context.turn,
      speaker,
      dropped_turns: response.droppedTurns,
    });
  return response.content;
}

/** One entry per turn and speaker: σ's further attempts on the same turn drop the same turns. */
function recordDrop(drops: ContextDrop[], drop: ContextDrop): void {
  const same = drops.find((d) => d.turn === drop.turn && d.speaker === drop.speaker);
  if (same) same.dropped_turns = Math.max(same.dropped_turns, drop.dropped_turns);
  else drops.push(drop);
}
