import { z } from "zod";

export const WINNERS = ["a", "b", "tie", "both_bad"] as const;
export type Winner = (typeof WINNERS)[number];

/** What a human judge may flag on a pair of candidates besides the pick. */
export const VOTE_FLAGS = ["unsafe", "off_role", "other"] as const;
export type VoteFlag = (typeof VOTE_FLAGS)[number];

/** What the annotation platform records with a human vote (issue 13: every vote is a complete record). */
export const VoteAnnotationSchema = z.object({
  /** Milliseconds from the candidates being shown to the vote. */
  time_ms: z.number().int().nonnegative().optional(),
  comment: z.string().optional(),
  flags: z.array(z.enum(VOTE_FLAGS)).optional(),
  /** Version of the judging guidelines shown when the vote was cast. */
  guideline_version: z.string().optional(),
  /** Set when the judge skipped the pair instead of picking: why. */
  skip_reason: z.string().optional(),
});
export type VoteAnnotation = z.infer<typeof VoteAnnotationSchema>;

/** One arena comparison (DESIGN.md §2, Algorithm 2). */
export const BattleSchema = z.object({
  schema: z.string().optional(),
  id: z.string().min(1),
  dialogue_id: z.string(),
  turn: z.number().int().nonnegative(),
  history_ref: z.string(),
  model_a: z.string().min(1),
  model_b: z.string().min(1),
  response_a: z.string(),
  response_b: z.string(),
  /** `null` when the judge's answer could not be parsed: recorded, never turned into a pick. */
  winner: z.enum(WINNERS).nullable(),
  judge: z.string().min(1),
  /** Which model was shown first (as option A). */
  order: z.enum(["ab", "ba"]).optional(),
  rationale: z.string().optional(),
  /** With both-order judging: whether the two verdicts agreed. */
  consistent: z.boolean().optional(),
  /** Human votes only: time on the item, comment, flags and guideline version. */
  annotation: VoteAnnotationSchema.optional(),
  /** When the judge took the vote back (undo): kept for the record, left out of ratings and exports. */
  retracted_at: z.string().optional(),
  ts: z.string(),
});
export type Battle = z.infer<typeof BattleSchema>;

/**
 * Two candidates that say the same thing give the judge nothing to choose between. The one
 * rule for the arena, the annotation platform, `ratings` and export: such a pair is not put
 * to the judge, and a battle that holds one never counts as a win (whitespace at the ends
 * does not make two replies different).
 */
export function identicalCandidates(a: string, b: string): boolean {
  return a.trim() === b.trim();
}

/** Why a battle is left out of ratings and exports by default; null when it counts. */
export type BattleExclusion = "identical" | "retracted" | "skipped";

export function battleExclusion(
  battle: Pick<Battle, "response_a" | "response_b" | "retracted_at" | "annotation">,
): BattleExclusion | null {
  if (battle.retracted_at !== undefined) return "retracted";
  if (battle.annotation?.skip_reason !== undefined) return "skipped";
  if (identicalCandidates(battle.response_a, battle.response_b)) return "identical";
  return null;
}
