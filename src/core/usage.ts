import { z } from "zod";

/** Tokens, calls and money spent by one role (client, counselor, judge…). */
export const UsageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  calls: z.number().int().nonnegative(),
  /** Calls answered from the cache: already paid for in an earlier run. */
  cached_calls: z.number().int().nonnegative().default(0),
  cost_usd: z.number().nonnegative(),
  /** Fresh calls to a model without a configured price: `cost_usd` leaves them out, so the cost is unknown. */
  unpriced_calls: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

export function emptyUsage(): Usage {
  return { prompt_tokens: 0, completion_tokens: 0, calls: 0, cached_calls: 0, cost_usd: 0 };
}

export function addUsage(into: Usage, add: Usage): Usage {
  into.prompt_tokens += add.prompt_tokens;
  into.completion_tokens += add.completion_tokens;
  into.calls += add.calls;
  into.cached_calls += add.cached_calls;
  into.cost_usd += add.cost_usd;
  if (add.unpriced_calls) into.unpriced_calls = (into.unpriced_calls ?? 0) + add.unpriced_calls;
  return into;
}

/** Usage keyed by role name; roles appear as they spend. */
export type UsageByRole = Record<string, Usage>;

export function addUsageByRole(into: UsageByRole, role: string, add: Usage): UsageByRole {
  addUsage((into[role] ??= emptyUsage()), add);
  return into;
}
