import type { ContextDrop, DialogueEnding, Turn, TurnMeta } from "../core/dialogue.js";
import { addUsageByRole, type Usage, type UsageByRole } from "../core/usage.js";
import type { CallContext } from "./agent-call.js";
import type { TerminationRule } from "./termination-rule.js";
import { crisisTerms, type CrisisFlag } from "./crisis-lexicon.js";

/**
 * What a session does when a client turn matches the crisis lexicon: `record` it in the
 * dialogue's `meta.crisis_flags` and go on, or also `stop` after the counselor's reply to it,
 * so the session still ends on a counselor turn and that reply is there to evaluate.
 */
export const ON_RISK = ["record", "stop"] as const;
export type OnRisk = (typeof ON_RISK)[number];

/** One client utterance, as the session loop needs it. */
export interface ClientSide {
  greeting(): string;
  speak(
    history: readonly Turn[],
    context: CallContext,
  ): Promise<{ content: string; usage: Usage; meta?: TurnMeta }>;
}

/**
 * The counselor's side of a turn. In simulation it is one CounselorAgent; in the arena it
 * is two counselors and a supervisor (Algorithm 2), which is why usage comes by role.
 */
export type CounselorStep = (
  history: readonly Turn[],
  context: CallContext,
) => Promise<{ turn: Turn; usage: UsageByRole }>;

export interface SessionSetup {
  dialogueId: string;
  client: ClientSide;
  counselor: CounselorStep;
  termination: TerminationRule;
  /** T in Algorithm 1: the most turns (client utterance + counselor reply) a session may have. */
  maxTurns: number;
  /** Default `record`. */
  onRisk?: OnRisk;
  seed: number;
  signal?: AbortSignal;
  /** Called after each step with what it spent, for live progress. */
  onUsage?: (role: string, usage: Usage) => void;
}

export interface SessionOutcome {
  turns: Turn[];
  endedBy: DialogueEnding;
  terminationPhrase?: string;
  usage: UsageByRole;
  /** Calls whose model saw only the last turns (for the dialogue's `meta.context_dropped`). */
  contextDrops: ContextDrop[];
  /** Client turns the crisis lexicon flagged (for the dialogue's `meta.crisis_flags`). */
  crisisFlags: CrisisFlag[];
}

/**
 * Algorithm 1 (full-conversation simulation): the client's fixed greeting, then counselor
 * and client alternate until the termination rule g fires on a counselor reply or the
 * session reaches T turns (or, with `onRisk: "stop"`, after the reply to a flagged client
 * turn). A session always ends on a counselor turn.
 */
export async function runSession(setup: SessionSetup): Promise<SessionOutcome> {
  const usage: UsageByRole = {};
  const spend = (role: string, add: Usage): void => {
    addUsageByRole(usage, role, add);
    setup.onUsage?.(role, add);
  };
  const turns: Turn[] = [{ role: "client", content: setup.client.greeting() }];
  const contextDrops: ContextDrop[] = [];
  const crisisFlags: CrisisFlag[] = [];
  let stopAfterReply = false;
  for (let turn = 1; ; turn++) {
    const context: CallContext = {
      dialogueId: setup.dialogueId,
      turn,
      seed: setup.seed,
      contextDrops,
      ...(setup.signal ? { signal: setup.signal } : {}),
    };
    const step = await setup.counselor(turns, context);
    turns.push(step.turn);
    for (const [role, spent] of Object.entries(step.usage)) spend(role, spent);
    const phrase = setup.termination.match(step.turn.content);
    if (phrase !== undefined)
      return {
        turns,
        endedBy: "termination_phrase",
        terminationPhrase: phrase,
        usage,
        contextDrops,
        crisisFlags,
      };
    if (stopAfterReply) return { turns, endedBy: "client_risk", usage, contextDrops, crisisFlags };
    if (turn >= setup.maxTurns)
      return { turns, endedBy: "max_turns", usage, contextDrops, crisisFlags };
    const next = await setup.client.speak(turns, { ...context, turn: turn + 1 });
    turns.push({
      role: "client",
      content: next.content,
      ...(next.meta === undefined ? {} : { meta: next.meta }),
    });
    spend("client", next.usage);
    const terms = crisisTerms(next.content);
    if (terms.length > 0) {
      crisisFlags.push({ turn: turns.length - 1, terms });
      if (setup.onRisk === "stop") stopAfterReply = true;
    }
  }
}
