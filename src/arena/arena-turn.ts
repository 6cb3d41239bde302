import {
  identicalCandidates,
  type Battle,
  type VoteAnnotation,
  type Winner,
} from "../core/battle.js";
import type { RejectedReply, Turn } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import { deriveSeed, SeededRandom } from "../core/random.js";
import { schemaTag } from "../core/schema.js";
import type { Usage } from "../core/usage.js";
import type { CallContext } from "../simulation/agent-call.js";
import {
  CounselorAgent,
  type CounselorReply,
  type ExhaustedPolicy,
} from "../simulation/counselor-agent.js";
import type { ResponseValidator } from "../simulation/response-validator.js";
import { historyRef } from "./battle-history.js";
import type { ArenaCounselor } from "./arena-counselor.js";
import { flattenTranscript } from "./counselor-registry.js";

/**
 * Algorithm 2's turn, written once for the CLI arena (an LLM supervisor π) and the annotation
 * platform (a human π): both counselors answer the same history, the judge sees the two in a
 * seeded order and picks, and the pick continues the session (a seeded coin when there is no
 * pick). Seeds are derived from the session's seed and the turn only, so the same card, seed
 * and models give the same candidates, order, continuation and Battle through either path.
 */

/** A counselor in the pair as the assignment or schedule names it (not the order shown). */
export type Side = "a" | "b";
/** `ab`: counselor a is shown as option A; `ba`: counselor b is. */
export type PresentationOrder = "ab" | "ba";

/** One counselor's answer as the turn needs it; a CounselorReply, or one kept in the platform's store. */
export interface CandidateReply {
  content: string;
  rejected?: RejectedReply[];
  validation?: Turn["validation"];
}

/** σ's settings, the same for both counselors of a turn. */
export interface CounselorSettings {
  validator: ResponseValidator;
  maxAttempts: number;
  exhaustedPolicy: ExhaustedPolicy;
}

/** Builds counselor Ψ of the pair: its system prompt, σ, sampling and transcript format. */
export function counselorAgent(
  counselor: ArenaCounselor,
  language: Language,
  settings: CounselorSettings,
): CounselorAgent {
  const system = counselor.systemPrompt(language);
  return new CounselorAgent({
    model: counselor.model,
    language,
    ...(system ? { systemPrompt: system.text } : {}),
    validator: settings.validator,
    maxAttempts: settings.maxAttempts,
    exhaustedPolicy: settings.exhaustedPolicy,
    name: counselor.name,
    ...(counselor.sampling ? { sampling: counselor.sampling } : {}),
    ...(counselor.transcript
      ? {
          formatMessages: (history: readonly Turn[], prompt: string | undefined) =>
            flattenTranscript(counselor.transcript!, history, prompt),
        }
      : {}),
  });
}

/** Where the candidates sit for the judge at a turn: a seeded coin per turn, so a replay shows the same layout. */
export function presentationOrder(seed: number, turn: number): PresentationOrder {
  return new SeededRandom(deriveSeed(seed, `turn-${turn}/order`)).next() < 0.5 ? "ab" : "ba";
}

/** Which counselor continues: the pick, or a seeded coin when there is none (tie, both bad, unparsed, identical). */
export function continuationSide(seed: number, turn: number, winner: Winner | null): Side {
  if (winner === "a" || winner === "b") return winner;
  return new SeededRandom(deriveSeed(seed, `turn-${turn}/continue`)).next() < 0.5 ? "a" : "b";
}

/** Which counselor sits at a screen position, given the turn's order. */
export function sideShownAs(position: "A" | "B", order: PresentationOrder): Side {
  const first: Side = order === "ab" ? "a" : "b";
  return position === "A" ? first : first === "a" ? "b" : "a";
}

/** What π said about the pair: an LLM supervisor's comparison or a human vote. */
export interface TurnVerdict {
  winner: Winner | null;
  judge: string;
  order?: PresentationOrder;
  rationale?: string;
  consistent?: boolean;
  annotation?: VoteAnnotation;
  /** What an LLM judge spent. */
  usage?: Usage;
}

export interface DecideTurnInput {
  battleId: string;
  dialogueId: string;
  /** The turn's call context: its number and the session's seed. */
  context: Pick<CallContext, "turn" | "seed">;
  history: readonly Turn[];
  /** The pair's names as counselors a and b. */
  names: readonly [string, string];
  replies: readonly [CandidateReply, CandidateReply];
  /** null when the candidates were identical and so never put to the judge. */
  verdict: TurnVerdict | null;
  ts: string;
}

export interface DecidedTurn {
  /** null when the candidates were identical: there was nothing to judge. */
  battle: Battle | null;
  /** The counselor turn that continues the dialogue, with both candidates. */
  turn: Turn;
}

/** The end of the turn: the verdict recorded as a Battle, and the picked reply continuing the dialogue. */
export function decideTurn(input: DecideTurnInput): DecidedTurn {
  const { context, names, replies, verdict } = input;
  const side = continuationSide(context.seed, context.turn, verdict?.winner ?? null);
  const chosen = replies[side === "a" ? 0 : 1];
  const turn: Turn = {
    role: "counselor",
    content: chosen.content,
    speaker: names[side === "a" ? 0 : 1],
    candidates: replies.map((reply, k) => ({
      speaker: names[k]!,
      content: reply.content,
      ...(reply.rejected?.length ? { rejected: reply.rejected } : {}),
    })),
    ...(chosen.validation && chosen.validation !== "accepted"
      ? { validation: chosen.validation }
      : {}),
  };
  if (!verdict) return { battle: null, turn };
  const battle: Battle = {
    schema: schemaTag("battle"),
    id: input.battleId,
    dialogue_id: input.dialogueId,
    turn: context.turn,
    history_ref: historyRef(input.history),
    model_a: names[0],
    model_b: names[1],
    response_a: replies[0].content,
    response_b: replies[1].content,
    winner: verdict.winner,
    judge: verdict.judge,
    ...(verdict.order ? { order: verdict.order } : {}),
    ...(verdict.rationale !== undefined ? { rationale: verdict.rationale } : {}),
    ...(verdict.consistent !== undefined ? { consistent: verdict.consistent } : {}),
    ...(verdict.annotation ? { annotation: verdict.annotation } : {}),
    ts: input.ts,
  };
  return { battle, turn };
}

export interface PlayTurnInput {
  agents: readonly [CounselorAgent, CounselorAgent];
  names: readonly [string, string];
  history: readonly Turn[];
  context: CallContext;
  battleId: string;
  dialogueId: string;
  /** π: judges the two replies (given as a and b) once they are known to differ. */
  judge: (replies: readonly [string, string], order: PresentationOrder) => Promise<TurnVerdict>;
  now: () => string;
}

export interface PlayedTurn extends DecidedTurn {
  replies: [CounselorReply, CounselorReply];
  /** Usage by role, as the session loop adds it up. */
  usage: Record<string, Usage>;
}

/** The whole turn in one call, as the CLI arena plays it: both answer, π judges unless the replies are identical, the pick continues. */
export async function playArenaTurn(input: PlayTurnInput): Promise<PlayedTurn> {
  const replies = (await Promise.all(
    input.agents.map((agent) => agent.reply(input.history, input.context)),
  )) as [CounselorReply, CounselorReply];
  const verdict = identicalCandidates(replies[0].content, replies[1].content)
    ? null
    : await input.judge(
        [replies[0].content, replies[1].content],
        presentationOrder(input.context.seed, input.context.turn),
      );
  return {
    ...decideTurn({
      battleId: input.battleId,
      dialogueId: input.dialogueId,
      context: input.context,
      history: input.history,
      names: input.names,
      replies,
      verdict,
      ts: input.now(),
    }),
    replies,
    usage: {
      [`counselor:${input.names[0]}`]: replies[0].usage,
      [`counselor:${input.names[1]}`]: replies[1].usage,
      ...(verdict?.usage ? { supervisor: verdict.usage } : {}),
    },
  };
}
