import { addUsage, emptyUsage, type Usage } from "../core/usage.js";
import type { ChatModel } from "./chat-model.js";

/** US dollars per million tokens, as providers publish them. */
export interface Price {
  prompt_per_million: number;
  completion_per_million: number;
}

/** The cost of fresh tokens; replayed (cached) calls were paid for earlier and cost nothing now. */
export function costOf(
  usage: Pick<Usage, "prompt_tokens" | "completion_tokens" | "cached_calls">,
  price: Price | undefined,
): number {
  if (!price || usage.cached_calls > 0) return 0;
  return (
    (usage.prompt_tokens * price.prompt_per_million +
      usage.completion_tokens * price.completion_per_million) /
    1_000_000
  );
}

/** Adds up usage by model for a run's summary, and remembers which models had no price. */
export class UsageMeter {
  private readonly models = new Map<string, Usage>();
  private readonly unpriced = new Set<string>();

  record(modelId: string, usage: Usage, priced: boolean): void {
    let into = this.models.get(modelId);
    if (!into) this.models.set(modelId, (into = emptyUsage()));
    addUsage(into, usage);
    if (!priced && usage.cached_calls < usage.calls) this.unpriced.add(modelId);
  }

  byModel(): Record<string, Usage> {
    return Object.fromEntries([...this.models].map(([id, usage]) => [id, { ...usage }]));
  }

  total(): Usage {
    const total = emptyUsage();
    for (const usage of this.models.values()) addUsage(total, usage);
    return total;
  }

  /** Models that made fresh calls without a configured price: their cost shows as 0 but is unknown. */
  unpricedModels(): string[] {
    return [...this.unpriced].sort();
  }
}

/** A model whose replies carry their cost. `priceKnown` is false when cost_usd is 0 only for want of a price. */
export interface MeteredChatModel extends ChatModel {
  readonly priceKnown: boolean;
}

/** Fills in `cost_usd` from the model's price and records the call in `meter` (if given). */
export function withUsageMeter(
  model: ChatModel,
  options: { price?: Price; meter?: UsageMeter } = {},
): MeteredChatModel {
  const { price, meter } = options;
  return {
    id: model.id,
    ...(model.isBaseline ? { isBaseline: true } : {}),
    priceKnown: price !== undefined,
    async complete(request) {
      const response = await model.complete(request);
      const fresh = response.usage.calls - response.usage.cached_calls;
      const usage = {
        ...response.usage,
        cost_usd: costOf(response.usage, price),
        ...(price === undefined && fresh > 0 ? { unpriced_calls: fresh } : {}),
      };
      meter?.record(model.id, usage, price !== undefined);
      return { ...response, usage };
    },
  };
}
