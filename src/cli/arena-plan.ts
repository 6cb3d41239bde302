import { existsSync } from "node:fs";
import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import type { LoadedConfig } from "../config/load-config.js";
import type { ModelEntry } from "../llm/model-config.js";
import { loadTemplate, type TemplateOptions } from "../prompts/template.js";
import { SIMULATION_DEFAULTS } from "../simulation/simulate.js";
import { counselorSystemPrompt } from "../arena/arena-counselor.js";
import type { CounselorEntry } from "../arena/counselor-registry.js";
import { readArenaProgress } from "../arena/arena-progress.js";
import { scheduleArena } from "../arena/run-arena.js";
import { loadSupervisorTemplate, type SupervisorPrompt } from "../arena/supervisor-template.js";
import {
  addSession,
  estimatedModel,
  estimateTokens,
  expectedTurns,
  ESTIMATE_ASSUMPTIONS,
  formatPlan,
  RunEstimate,
} from "../app/estimate-run.js";

export interface ArenaPlanInput {
  cards: readonly RoleCard[];
  counselors: ReadonlyMap<string, CounselorEntry>;
  names: readonly string[];
  client: ModelEntry;
  judge: string;
  out: string;
  dialoguesOut: string;
  prompt: SupervisorPrompt;
  bothOrders: boolean;
  sessionsPerPair?: number;
  seed?: number;
  maxTurns?: number;
  language?: Language;
  templates: TemplateOptions;
  shard?: import("../core/shard.js").Shard;
  config: LoadedConfig | undefined;
}

/**
 * `arena --dry-run`: the sessions the run would schedule (those not yet finished in its
 * files), and the calls, tokens and cost per model, by the simulation's estimator with two
 * counselors a turn and the supervisor judging each turn once (twice with --both-orders).
 */
export async function printArenaPlan(input: ArenaPlanInput): Promise<void> {
  const sessions = scheduleArena({
    cards: input.cards,
    counselors: input.names,
    ...(input.seed !== undefined && { seed: input.seed }),
    ...(input.sessionsPerPair !== undefined && { sessionsPerPair: input.sessionsPerPair }),
    ...(input.shard && { shard: input.shard }),
  });
  // A dry run creates nothing; a session is finished only when both files hold it.
  const finished =
    existsSync(input.out) && existsSync(input.dialoguesOut)
      ? (await readArenaProgress(input.out, input.dialoguesOut)).finished
      : new Set<string>();
  const todo = sessions.filter((s) => !finished.has(s.id));
  const models = input.config?.models;
  const client = estimatedModel(input.client, models);
  const judge = estimatedModel(input.judge, models);
  const counselors = new Map(
    [...input.counselors].map(([name, entry]) => [
      name,
      {
        model: estimatedModel(entry.model, models),
        systemPrompt: counselorSystemPrompt(entry, input.templates),
      },
    ]),
  );
  const maxTurns = input.maxTurns ?? SIMULATION_DEFAULTS.maxTurns;
  const estimate = new RunEstimate();
  for (const session of todo) {
    const language = input.language ?? session.card.language;
    addSession(estimate, {
      language,
      maxTurns,
      client,
      clientSystemTokens: estimateTokens(loadTemplate("client", language, input.templates).text),
      counselors: session.pair.map((name) => {
        const c = counselors.get(name)!;
        return {
          model: c.model,
          systemTokens: estimateTokens(c.systemPrompt(language)?.text ?? ""),
        };
      }),
      judge: {
        model: judge,
        templateTokens: estimateTokens(
          loadSupervisorTemplate(input.prompt, language, input.templates).text,
        ),
        callsPerTurn: input.bothOrders ? 2 : 1,
      },
    });
  }
  const s = (n: number) => (n === 1 ? "" : "s");
  process.stdout.write(
    formatPlan(
      `${todo.length} session${s(todo.length)} planned, up to ${todo.length * expectedTurns(maxTurns)} battles (${sessions.length - todo.length} already finished in ${input.out})`,
      estimate.models(),
      `${expectedTurns(maxTurns)} turns a session (max_turns ${maxTurns}), two counselors and ${input.bothOrders ? "two supervisor calls" : "one supervisor call"} a turn, σ retry rate ${ESTIMATE_ASSUMPTIONS.retryRate}`,
    ) + "\n",
  );
}
