import { schemaTag } from "../core/schema.js";
import { deriveSeed } from "../core/random.js";
import { PSYSIM_VERSION } from "../core/version.js";
import type { Battle } from "../core/battle.js";
import type { Dialogue } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import type { Usage } from "../core/usage.js";
import type { ChatModel, SamplingParams } from "../llm/chat-model.js";
import { promptRef, type PromptTemplate } from "../prompts/template.js";
import { ClientAgent } from "../simulation/client-agent.js";
import type { ExhaustedPolicy } from "../simulation/counselor-agent.js";
import type { ResponseValidator } from "../simulation/response-validator.js";
import { runSession } from "../simulation/session-loop.js";
import type { TerminationRule } from "../simulation/termination-rule.js";
import type { ArenaCounselor } from "./arena-counselor.js";
import { counselorAgent, playArenaTurn } from "./arena-turn.js";
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
  /** Turns whose two candidates were identical: not judged, no battle (see `identicalCandidates`). */
  identical: number;
}

/**
 * Algorithm 2 for one session: at every turn both counselors answer the same history
 * concurrently (each through σ), the supervisor picks, and the pick continues the session
 * under the termination rule g — the simulation's own session loop with the turn of
 * `arena-turn.ts` as its counselor step, the same turn the annotation platform plays.
 */
export async function runArenaSession(setup: ArenaSessionSetup): Promise<ArenaSessionResult> {
  const seed = deriveSeed(setup.runSeed, setup.id);
  const [a, b] = setup.pair;
  const names = [a.name, b.name] as const;
  const settings = {
    validator: setup.validator,
    maxAttempts: setup.maxAttempts,
    exhaustedPolicy: setup.exhaustedPolicy,
  };
  const agents = [
    counselorAgent(a, setup.language, settings),
    counselorAgent(b, setup.language, settings),
  ] as const;
  const client = new ClientAgent({
    model: setup.client,
    card: setup.card,
    language: setup.language,
    template: setup.clientTemplate,
    plannedRounds: setup.maxTurns,
    ...(setup.clientSampling ? { sampling: setup.clientSampling } : {}),
  });
  const battles: Battle[] = [];
  let identical = 0;
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
      const played = await playArenaTurn({
        agents,
        names,
        history,
        context,
        battleId: `${setup.id}/turn-${context.turn}`,
        dialogueId: setup.id,
        judge: async ([ra, rb]) => {
          const verdict = await setup.supervisor.compare(
            setup.language,
            history,
            ra,
            rb,
            context,
            setup.bothOrders,
          );
          return { ...verdict, judge: setup.supervisor.judgeId };
        },
        now: () => new Date().toISOString(),
      });
      if (played.battle) battles.push(played.battle);
      else identical += 1;
      return { turn: played.turn, usage: played.usage };
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
      ...(outcome.contextDrops.length > 0 ? { context_dropped: outcome.contextDrops } : {}),
      psysim_version: PSYSIM_VERSION,
    },
  };
  return { dialogue, battles, identical };
}
