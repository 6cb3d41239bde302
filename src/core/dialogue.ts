import { z } from "zod";
import { LANGUAGES } from "./language.js";
import { UsageSchema } from "./usage.js";

export const SPEAKER_ROLES = ["client", "counselor"] as const;
export type SpeakerRole = (typeof SPEAKER_ROLES)[number];

/** A reply the response validator σ refused, with why. */
export const RejectedReplySchema = z.object({
  content: z.string(),
  reasons: z.array(z.string()),
});

/** One counselor's answer offered to the supervisor in the arena (Algorithm 2). */
export const CandidateSchema = z.object({
  speaker: z.string(),
  content: z.string(),
  rejected: z.array(RejectedReplySchema).optional(),
});

/** What a turn's speaker saw beyond the dialogue itself. */
export const TurnMetaSchema = z
  .object({
    /**
     * Ids (`<dialogue id>#<turn>`) of the corpus exchanges put into this speaker's prompt as
     * style examples (`simulate --grounding`), best first; empty when none matched.
     */
    grounding: z.array(z.string()).optional(),
  })
  .loose();

export const TurnSchema = z.object({
  role: z.enum(SPEAKER_ROLES),
  content: z.string(),
  speaker: z.string().optional(),
  candidates: z.array(CandidateSchema).optional(),
  rejected: z.array(RejectedReplySchema).optional(),
  /** What σ's exhaustion policy did on this turn, when attempts ran out. */
  validation: z.enum(["accepted", "accepted_last_attempt", "truncated"]).optional(),
  meta: TurnMetaSchema.optional(),
});

/**
 * What happens when every attempt is refused by σ. The paper regenerates until a reply
 * passes; psysim bounds the attempts and makes the fallback explicit and recorded
 * (`validation` above). Here, below the simulation, because psysim.yaml names them too.
 */
export const EXHAUSTED_POLICIES = ["accept_last", "truncate", "fail"] as const;
export type ExhaustedPolicy = (typeof EXHAUSTED_POLICIES)[number];

export const ENDINGS = [
  "termination_phrase",
  "max_turns",
  "client_exit",
  "error",
  /** `simulate --on-risk stop`: the counselor's reply to a client turn the crisis lexicon flagged ended the session. */
  "client_risk",
] as const;

export const PromptRefSchema = z.object({ id: z.string(), sha256: z.string() });

/**
 * A call whose model saw only the last turns of the dialogue: a local model with
 * `context_overflow: drop_oldest` left out the oldest `dropped_turns` messages (after the
 * system prompt) to fit its context.
 */
export const ContextDropSchema = z.object({
  /** The session turn of the call (1-based, as in sample keys). */
  turn: z.int().min(1),
  /** Who was speaking: `client`, `counselor`, a counselor's name in the arena, `supervisor`. */
  speaker: z.string(),
  dropped_turns: z.int().min(1),
});
export type ContextDrop = z.infer<typeof ContextDropSchema>;

export const DialogueMetaSchema = z
  .object({
    client: z.string().optional(),
    counselor: z.string().optional(),
    prompts: z.record(z.string(), PromptRefSchema).optional(),
    seed: z.number().int().optional(),
    started_at: z.string().optional(),
    finished_at: z.string().optional(),
    usage: z.record(z.string(), UsageSchema).optional(),
    /** Calls that had turns dropped to fit a local model's context; absent when none did. */
    context_dropped: z.array(ContextDropSchema).optional(),
    psysim_version: z.string().optional(),
    /** Follow-up sessions (`simulate --sessions N`): the card the series plays, and this session's place in it. */
    series_id: z.string().optional(),
    session_index: z.int().min(1).optional(),
  })
  .loose();

/** One counseling session (DESIGN.md §2). Starts with the client's greeting, ends on a counselor turn. */
export const DialogueSchema = z.object({
  schema: z.string().optional(),
  id: z.string().min(1),
  role_card_id: z.string().optional(),
  language: z.enum(LANGUAGES),
  turns: z.array(TurnSchema),
  ended_by: z.enum(ENDINGS).optional(),
  /** The Table 2 phrase that ended the session, when `ended_by` is termination_phrase. */
  termination_phrase: z.string().optional(),
  error: z.string().optional(),
  meta: DialogueMetaSchema.default({}),
});

export type Turn = z.infer<typeof TurnSchema>;
export type TurnMeta = z.infer<typeof TurnMetaSchema>;
export type RejectedReply = z.infer<typeof RejectedReplySchema>;
export type Candidate = z.infer<typeof CandidateSchema>;
export type Dialogue = z.infer<typeof DialogueSchema>;
export type DialogueEnding = (typeof ENDINGS)[number];
export type PromptRef = z.infer<typeof PromptRefSchema>;

/** Counselor turns so far: Algorithm 2's turn number of the last counselor reply. */
export function counselorTurnCount(turns: readonly Pick<Turn, "role">[]): number {
  return turns.filter((t) => t.role === "counselor").length;
}

/** Fields psysim filled in on import rather than read from the source: `meta.inferred`. */
export function inferredFields(dialogue: Pick<Dialogue, "meta">): readonly string[] {
  const inferred = dialogue.meta["inferred"];
  return Array.isArray(inferred) ? inferred.filter((f): f is string => typeof f === "string") : [];
}

/** How a session ended, as stats and the report show it: an inferred ending says so. */
export function endingLabel(dialogue: Pick<Dialogue, "ended_by" | "meta">): string {
  if (dialogue.ended_by === undefined) return "unknown";
  return inferredFields(dialogue).includes("ended_by")
    ? `${dialogue.ended_by} (inferred)`
    : dialogue.ended_by;
}
