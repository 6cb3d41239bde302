import type { Dialogue } from "../core/dialogue.js";
import type { ChatMessage } from "../llm/chat-model.js";

/**
 * How sessions become samples. `per-turn` (the paper's layout, §5.1): one sample per
 * counselor turn r_t with its history h_t, training r_t only. `per-session`: one sample per
 * session training every counselor reply, each seeing exactly its own history — the same
 * objective (Eq. 3 summed over t) at a fraction of the tokens.
 */
export const SAMPLE_MODES = ["per-turn", "per-session"] as const;
export type SampleMode = (typeof SAMPLE_MODES)[number];

/**
 * One supervised fine-tuning instance: `messages` alternates user (client) and assistant
 * (counselor) and ends on a counselor reply; `targets` says which replies are trained.
 */
export interface SftSample {
  /** `<dialogue id>#<turn index>` (per-turn) or `<dialogue id>` (per-session): traces the sample back to its session. */
  id: string;
  dialogueId: string;
  /** Index of the last counselor turn in the dialogue's `turns`. */
  turn: number;
  system?: string;
  messages: ChatMessage[];
  /** Indices into `messages` of the counselor replies this sample trains, ascending. */
  targets: number[];
}

export interface SampleOptions {
  /** The counselor system prompt to prepend (paper §5.2.2, Figure 9), or none. */
  system?: string;
  /** Keep at most this many earlier client–counselor exchanges before the current client turn (per-turn only). */
  maxHistory?: number;
}

function chatMessages(dialogue: Dialogue): ChatMessage[] {
  return dialogue.turns.map((t) => ({
    role: t.role === "client" ? "user" : "assistant",
    content: t.content,
  }));
}

/**
 * Splits one session into one sample per counselor turn (paper §5.1, Eq. 3): the history
 * h_t and the reply r_t as the only target. It reads only this dialogue's turns, so no
 * context can leak in from another session. The session must have passed `sessionProblem`.
 */
export function dialogueSamples(dialogue: Dialogue, options: SampleOptions = {}): SftSample[] {
  const messages = chatMessages(dialogue);
  const samples: SftSample[] = [];
  for (let i = 1; i < messages.length; i += 2) {
    const kept = [...trimHistory(messages.slice(0, i), options.maxHistory), messages[i]!];
    samples.push({
      id: `${dialogue.id}#${i}`,
      dialogueId: dialogue.id,
      turn: i,
      ...(options.system === undefined ? {} : { system: options.system }),
      messages: kept,
      targets: [kept.length - 1],
    });
  }
  return samples;
}

/** The whole session, up to its last counselor reply, as one sample whose every counselor reply is a target. */
export function sessionSample(dialogue: Dialogue, options: { system?: string } = {}): SftSample {
  const all = chatMessages(dialogue);
  const messages = all.at(-1)?.role === "user" ? all.slice(0, -1) : all;
  return {
    id: dialogue.id,
    dialogueId: dialogue.id,
    turn: messages.length - 1,
    ...(options.system === undefined ? {} : { system: options.system }),
    messages,
    targets: messages.flatMap((m, i) => (m.role === "assistant" ? [i] : [])),
  };
}

/**
 * Keeps the current client turn and at most `maxHistory` whole exchanges before it.
 * Cutting whole exchanges keeps the history opening on a client turn, so roles still alternate.
 */
export function trimHistory<T>(history: readonly T[], maxHistory: number | undefined): T[] {
  if (maxHistory === undefined) return history.slice();
  return history.slice(Math.max(0, history.length - 1 - 2 * maxHistory));
}
