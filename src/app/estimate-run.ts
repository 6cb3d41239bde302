import type { Language } from "../core/language.js";
import { approximateTokens } from "../export/token-estimate.js";
import type { ModelConfig, ModelEntry } from "../llm/model-config.js";
import { resolveModelSpec } from "../llm/model-spec.js";
import { batchPriceOf } from "../llm/batch/batch-price.js";
import type { Price } from "../llm/usage-meter.js";

/**
 * The assumptions behind `--dry-run` (documented in docs/models.md). They describe a
 * typical session, not a given one: the estimate is for budgeting, not billing.
 */
export const ESTIMATE_ASSUMPTIONS = {
  /** Counselor turns a session runs when `max_turns` allows it. */
  expectedTurns: 20,
  /** Extra counselor generations per turn refused by σ and regenerated. */
  retryRate: 0.1,
  /** Tokens of one counselor reply and one client utterance. */
  counselorReplyTokens: { zh: 60, en: 45 } as Record<Language, number>,
  clientUtteranceTokens: { zh: 35, en: 30 } as Record<Language, number>,
  /** Tokens of a supervisor's verdict with its rationale. */
  judgeReplyTokens: 80,
  /** Tokens of one follow-up memory: a counselor's note or a client's recollection. */
  memoryTokens: { zh: 200, en: 150 } as Record<Language, number>,
};

/** What one model is expected to be asked. `cost_usd` is null when its price is unknown. */
export interface ModelEstimate {
  model: string;
  roles: string[];
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number | null;
  /** The same requests sent as batches (wave mode), at the model's batch price. */
  batch_cost_usd: number | null;
}

/** A model as the estimate needs it: its name and price (undefined: unknown; local models cost 0). */
export interface EstimatedModel {
  id: string;
  price: Price | undefined;
  /** Price of batch requests (see `batchPriceOf`); the estimate shows both. */
  batchPrice?: Price | undefined;
}

/** Local models and the baseline cost nothing; a remote model without `price` is unknown. */
export function priceOf(config: ModelConfig): Price | undefined {
  if (config.provider === "baseline" || config.provider === "llama-cpp")
    return { prompt_per_million: 0, completion_per_million: 0 };
  return config.price;
}

/** A chat model spec as the estimate names and prices it (resolved against psysim.yaml's `models:`). */
export function estimatedModel(
  spec: ModelEntry,
  models?: Parameters<typeof resolveModelSpec>[1],
): EstimatedModel {
  const resolved = resolveModelSpec(spec, models);
  return {
    id: resolved.id,
    price: priceOf(resolved.config),
    batchPrice: batchPriceOf(resolved.config),
  };
}

/** Adds up expected calls and tokens by model. */
export class RunEstimate {
  private readonly byModel = new Map<
    string,
    ModelEstimate & { price: Price | undefined; batchPrice: Price | undefined }
  >();

  add(
    model: EstimatedModel,
    role: string,
    calls: number,
    prompt: number,
    completion: number,
  ): void {
    let e = this.byModel.get(model.id);
    if (!e) {
      e = {
        model: model.id,
        roles: [],
        calls: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        cost_usd: null,
        batch_cost_usd: null,
        price: model.price,
        batchPrice: model.batchPrice,
      };
      this.byModel.set(model.id, e);
    }
    if (!e.roles.includes(role)) e.roles.push(role);
    e.calls += calls;
    e.prompt_tokens += prompt;
    e.completion_tokens += completion;
  }

  models(): ModelEstimate[] {
    const cost = (e: ModelEstimate, price: Price | undefined): number | null =>
      price
        ? (e.prompt_tokens * price.prompt_per_million +
            e.completion_tokens * price.completion_per_million) /
          1_000_000
        : null;
    return [...this.byModel.values()].map(({ price, batchPrice, ...e }) => ({
      ...e,
      calls: Math.round(e.calls),
      prompt_tokens: Math.round(e.prompt_tokens),
      completion_tokens: Math.round(e.completion_tokens),
      cost_usd: cost(e, price),
      batch_cost_usd: cost(e, batchPrice),
    }));
  }
}

/** Counselor turns a session is expected to run. */
export function expectedTurns(maxTurns: number): number {
  return Math.min(maxTurns, ESTIMATE_ASSUMPTIONS.expectedTurns);
}

/**
 * One session of Algorithm 1 (or the arena's, with two counselors and a judge): the
 * counselor call at turn t sees its system prompt and the 2t − 1 utterances so far, the
 * client call after it sees 2t; σ's refusals repeat a share of counselor calls.
 */
export function addSession(
  estimate: RunEstimate,
  session: {
    language: Language;
    maxTurns: number;
    client: EstimatedModel;
    clientSystemTokens: number;
    counselors: { model: EstimatedModel; systemTokens: number }[];
    judge?: { model: EstimatedModel; templateTokens: number; callsPerTurn: number };
  },
): void {
  const a = ESTIMATE_ASSUMPTIONS;
  const T = expectedTurns(session.maxTurns);
  const r = a.counselorReplyTokens[session.language];
  const c = a.clientUtteranceTokens[session.language];
  const attempts = 1 + a.retryRate;
  // Σ over t = 1..T of the history a counselor sees: t client utterances, t − 1 replies.
  const counselorHistory = (c * T * (T + 1)) / 2 + (r * T * (T - 1)) / 2;
  for (const counselor of session.counselors)
    estimate.add(
      counselor.model,
      "counselor",
      T * attempts,
      (T * counselor.systemTokens + counselorHistory) * attempts,
      T * r * attempts,
    );
  // The client speaks after every counselor turn but the last (its greeting is fixed).
  const clientTurns = T - 1;
  estimate.add(
    session.client,
    "client",
    clientTurns,
    clientTurns * session.clientSystemTokens + ((r + c) * clientTurns * (clientTurns + 1)) / 2,
    clientTurns * c,
  );
  if (session.judge) {
    const calls = T * session.judge.callsPerTurn;
    estimate.add(
      session.judge.model,
      "judge",
      calls,
      session.judge.callsPerTurn * (T * (session.judge.templateTokens + 2 * r) + counselorHistory),
      calls * a.judgeReplyTokens,
    );
  }
}

/**
 * Before follow-up session k ≥ 2: the counselor model writes its note and the client model its
 * recollection, each one call reading its template, the memory so far and session k−1's
 * transcript. (The memory the session's own prompts then carry goes into their system tokens.)
 */
export function addMemoryCalls(
  estimate: RunEstimate,
  m: {
    language: Language;
    maxTurns: number;
    counselor: { model: EstimatedModel; templateTokens: number };
    client: { model: EstimatedModel; templateTokens: number };
  },
): void {
  const a = ESTIMATE_ASSUMPTIONS;
  const memory = a.memoryTokens[m.language];
  const transcript =
    expectedTurns(m.maxTurns) *
    (a.counselorReplyTokens[m.language] + a.clientUtteranceTokens[m.language]);
  for (const [role, side] of [
    ["counselor-note", m.counselor],
    ["client-recollection", m.client],
  ] as const)
    estimate.add(side.model, role, 1, side.templateTokens + memory + transcript, memory);
}

/** Tokens of a prompt text, by psysim's approximation (1 per Han character, 1.3 per English word). */
export const estimateTokens = approximateTokens;

/**
 * What every `--dry-run` prints: what is planned, the table, and how it was estimated,
 * with the reminder that nothing was called.
 */
export function formatPlan(planned: string, models: ModelEstimate[], method: string): string {
  return [
    `dry run: ${planned}; no model was called`,
    formatEstimate(models),
    `estimate: ${method}; method and accuracy in docs/models.md`,
  ].join("\n");
}

/** The dry run's table: one line per model, "unknown price" where there is none. */
export function formatEstimate(models: ModelEstimate[]): string {
  const k = (n: number) =>
    n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
  const rows = models.map((m) => [
    m.model,
    m.roles.join("+"),
    String(m.calls),
    k(m.prompt_tokens),
    k(m.completion_tokens),
    m.cost_usd === null ? "unknown price" : `$${m.cost_usd.toFixed(2)}`,
    m.batch_cost_usd === null ? "unknown price" : `$${m.batch_cost_usd.toFixed(2)}`,
  ]);
  const header = ["model", "role", "calls", "prompt tok", "completion tok", "cost", "batch cost"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
