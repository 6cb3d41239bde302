import { schemaTag } from "../core/schema.js";
import { deriveSeed, SeededRandom } from "../core/random.js";
import { PSYSIM_VERSION } from "../core/version.js";
import type { Battle } from "../core/battle.js";
import type { Dialogue, Turn } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import type { Usage } from "../core/usage.js";
import type { ChatModel, SamplingParams } from "../llm/chat-model.js";
import { promptRef, type PromptTemplate } from "../prompts/template.js";
import { ClientAgent } from "../simulation/client-agent.js";
import { CounselorAgent, type ExhaustedPolicy } from "../simulation/counselor-agent.js";
import type { ResponseValidator } from "../simulation/response-validator.js";
import { runSession } from "../simulation/session-loop.js";
import type { TerminationRule } from "../simulation/termination-rule.js";
import { historyRef } from "./battle-history.js";
import type { ArenaCounselor } from "./arena-counselor.js";
import { flattenTranscript } from "./counselor-registry.js";
import type { Supervisor } from "./supervisor.js";

export interface ArenaSessionSetup {
  id: string;
  card: RoleCard;
  language: Language;
  pair: [ArenaCounselor, ArenaCounselor];
  client: ChatModel;
  clientTemplate: PromptTemplate;
  clientSampling?: SamplingParams;
  supervisor: Supervisor;
  bothOrders: boolean;
  validator: ResponseValidator;
  termination: TerminationRule;
  maxTurns: number;
  maxAttempts: number;
  exhaustedPolicy: ExhaustedPolicy;
  runSeed: number;
  onUsage?: (role: string, usage: Usage) => void;
  signal?: AbortSignal;
}

export interface ArenaSessionResult {
  dialogue: Dialogue;
  battles: Battle[];
}

/**
 * Algorithm 2 for one session: at every turn both counselors answer the same history
 * concurrently (each through σ), the supervisor picks, and the pick continues the session
 * under the termination rule g — the simulation's own session loop with a two-counselor step.
 * When there is no pick (an unparsed answer, or a tie from both-order judging) the session
 * must still go on: a seeded coin chooses the continuation; the battle records no winner.
 */
export async function runArenaSession(setup: ArenaSessionSetup): Promise<ArenaSessionResult> {
  const seed = deriveSeed(setup.runSeed, setup.id);
  const [a, b] = setup.pair;
  const agents = setup.pair.map((c) => {
    const system = c.systemPrompt(setup.language);
    return new CounselorAgent({
      model: c.model,
      language: setup.language,
      ...(system ? { systemPrompt: system.text } : {}),
      validator: setup.validator,
      maxAttempts: setup.maxAttempts,
      exhaustedPolicy: setup.exhaustedPolicy,
      name: c.name,
      ...(c.sampling ? { sampling: c.sampling } : {}),
      ...(c.transcript
        ? {
            formatMessages: (history: readonly Turn[], prompt: string | undefined) =>
              flattenTranscript(c.transcript!, history, prompt),
          }
        : {}),
    });
  }) as [CounselorAgent, CounselorAgent];
  const client = new ClientAgent({
    model: setup.client,
    card: setup.card,
    language: setup.language,
    template: setup.clientTemplate,
    plannedRounds: setup.maxTurns,
    ...(setup.clientSampling ? { sampling: setup.clientSampling } : {}),
  });
  const battles: Battle[] = [];
  const startedAt = new Date().toISOString();

  const outcome = await runSession({
    dialogueId: setup.id,
    client,
    termination: setup.termination,
    maxTurns: setup.maxTurns,
    seed,
    ...(setup.signal ? { signal: setup.signal } : {}),
    ...(setup.onUsage ? { onUsage: setup.onUsage } : {}),
    counselor: async (history, context) => {
      const [ra, rb] = await Promise.all(agents.map((agent) => agent.reply(history, context)));
      const verdict = await setup.supervisor.compare(
        setup.language,
        history,
        ra!.content,
        rb!.content,
        context,
        setup.bothOrders,
      );
      battles.push({
        schema: schemaTag("battle"),
        id: `${setup.id}/turn-${context.turn}`,
        dialogue_id: setup.id,
        turn: context.turn,
        history_ref: historyRef(history),
        model_a: a.name,
        model_b: b.name,
        response_a: ra!.content,
        response_b: rb!.content,
        winner: verdict.winner,
        judge: setup.supervisor.judgeId,
        ...(verdict.order ? { order: verdict.order } : {}),
        rationale: verdict.rationale,
        ...(verdict.consistent !== undefined ? { consistent: verdict.consistent } : {}),
        ts: new Date().toISOString(),
      });
      const pickA =
        verdict.winner === "a" ||
        (verdict.winner !== "b" &&
          new SeededRandom(deriveSeed(seed, `turn-${context.turn}/continue`)).next() < 0.5);
      const [chosen, name] = pickA ? [ra!, a.name] : [rb!, b.name];
      const turn: Turn = {
        role: "counselor",
        content: chosen.content,
        speaker: name,
        candidates: [
          {
            speaker: a.name,
            content: ra!.content,
            ...(ra!.rejected.length > 0 ? { rejected: ra!.rejected } : {}),
          },
          {
            speaker: b.name,
            content: rb!.content,
            ...(rb!.rejected.length > 0 ? { rejected: rb!.rejected } : {}),
          },
        ],
        ...(chosen.validation !== "accepted" ? { validation: chosen.validation } : {}),
      };
      return {
        turn,
        usage: {
          [`counselor:${a.name}`]: ra!.usage,
          [`counselor:${b.name}`]: rb!.usage,
          supervisor: verdict.usage,
        },
      };
    },
  });

  const prompts: Record<string, { id: string; sha256: string }> = {
    client: promptRef(setup.clientTemplate),
    supervisor: setup.supervisor.promptRef(setup.language),
  };
  for (const c of setup.pair) {
    const ref = c.systemPrompt(setup.language)?.ref;
    if (ref) prompts[`counselor:${c.name}`] = ref;
  }
  const baseline =
    [setup.client, setup.pair[0].model, setup.pair[1].model].some((m) => m.isBaseline) ||
    setup.supervisor.judgeId.startsWith("baseline:");
  const dialogue: Dialogue = {
    schema: schemaTag("dialogue"),
    id: setup.id,
    role_card_id: setup.card.id,
    language: setup.language,
    turns: outcome.turns,
    ended_by: outcome.endedBy,
    ...(outcome.terminationPhrase !== undefined
      ? { termination_phrase: outcome.terminationPhrase }
      : {}),
    meta: {
      client: setup.client.id,
      counselor: `${a.name} vs ${b.name}`,
      arena: {
        counselors: setup.pair.map((c) => ({ name: c.name, model: c.model.id })),
        judge: setup.supervisor.judgeId,
        both_orders: setup.bothOrders,
      },
      ...(baseline ? { baseline: true } : {}),
      prompts,
      seed,
      run_seed: setup.runSeed,
      max_turns: setup.maxTurns,
      validator: {
        ...setup.validator.settings,
        max_attempts: setup.maxAttempts,
        exhausted_policy: setup.exhaustedPolicy,
      },
      termination_phrases: setup.termination.phrases,
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      usage: outcome.usage,
      psysim_version: PSYSIM_VERSION,
    },
  };
  return { dialogue, battles };
}
