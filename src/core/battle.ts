import { z } from "zod";

export const WINNERS = ["a", "b", "tie", "both_bad"] as const;
export type Winner = (typeof WINNERS)[number];

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
  ts: z.string(),
});
export type Battle = z.infer<typeof BattleSchema>;
