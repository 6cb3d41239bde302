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
  return response.content;
}
