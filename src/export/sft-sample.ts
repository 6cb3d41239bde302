import type { Dialogue } from "../core/dialogue.js";
import type { ChatMessage } from "../llm/chat-model.js";

/**
 * One supervised fine-tuning instance (paper §5.1, Eq. 3): the history h_t of one
 * session and that session's counselor response r_t as the target. `messages`
 * alternates user (client) and assistant (counselor) and ends on the target.
 */
export interface SftSample {
  /** `<dialogue id>#<turn index>`: traces the sample back to its session. */
  id: string;
  dialogueId: string;
  /** Index of the target counselor turn in the dialogue's `turns`. */
  turn: number;
  system?: string;
  messages: ChatMessage[];
}

export interface SampleOptions {
  /** The counselor system prompt to prepend (paper §5.2.2, Figure 9), or none. */
  system?: string;
  /** Keep at most this many earlier client–counselor exchanges before the current client turn. */
  maxHistory?: number;
}

/**
 * Splits one session into one sample per counselor turn. It reads only this dialogue's
 * turns, so no context can leak in from another session. The session must have passed
 * `sessionProblem`.
 */
export function dialogueSamples(dialogue: Dialogue, options: SampleOptions = {}): SftSample[] {
  const messages: ChatMessage[] = dialogue.turns.map((t) => ({
    role: t.role === "client" ? "user" : "assistant",
    content: t.content,
  }));
  const samples: SftSample[] = [];
  for (let i = 1; i < messages.length; i += 2) {
    samples.push({
      id: `${dialogue.id}#${i}`,
      dialogueId: dialogue.id,
      turn: i,
      ...(options.system === undefined ? {} : { system: options.system }),
      messages: [...trimHistory(messages.slice(0, i), options.maxHistory), messages[i]!],
    });
  }
  return samples;
}

/**
 * Keeps the current client turn and at most `maxHistory` whole exchanges before it.
 * Cutting whole exchanges keeps the history opening on a client turn, so roles still alternate.
 */
export function trimHistory<T>(history: readonly T[], maxHistory: number | undefined): T[] {
  if (maxHistory === undefined) return history.slice();
  return history.slice(Math.max(0, history.length - 1 - 2 * maxHistory));
}
