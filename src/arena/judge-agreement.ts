import { PsysimError } from "../core/errors.js";
import { deriveSeed } from "../core/random.js";
import { runWorkerPool } from "../core/worker-pool.js";
import { schemaTag } from "../core/schema.js";
import { addUsage, emptyUsage, type Usage } from "../core/usage.js";
import type { Battle } from "../core/battle.js";
import type { Dialogue } from "../core/dialogue.js";
import { agreement, type Agreement } from "./agreement.js";
import { battleHistory, historyRef } from "./battle-history.js";
import { judgeBias, type JudgeBias } from "./judge-bias.js";
import type { Supervisor } from "./supervisor.js";

export interface JudgeAgreementOptions {
  /** Human-labelled battles (the reference); those without a verdict are left out. */
  battles: readonly Battle[];
  /** The dialogues the battles were judged in, for their histories. */
  dialogues: readonly Dialogue[];
  supervisor: Supervisor;
  bothOrders: boolean;
  seed: number;
  concurrency: number;
  /** Names the inputs in errors. */
  battlesFile: string;
  dialoguesFile: string;
  onJudged?: (battle: Battle) => void;
}

export interface JudgeAgreementResult {
  judge: string;
  referenceJudges: string[];
  /** Accuracy and Cohen's κ of the supervisor against the reference labels (Appendix C.2). */
  agreement: Agreement;
  /** Position flips of the supervisor (with both-order judging) and its length preference. */
  bias: JudgeBias;
  /** The supervisor's verdicts as battles, so the paid calls can be rated too. */
  judged: Battle[];
  usage: Usage;
}

/**
 * Re-judges human-labelled battles with the LLM supervisor on exactly the history the human
 * saw (checked against `history_ref`), and measures how often the two agree.
 */
export async function judgeAgreement(
  options: JudgeAgreementOptions,
): Promise<JudgeAgreementResult> {
  const reference = options.battles.filter((b) => b.winner !== null);
  if (reference.length === 0)
    throw new PsysimError(
      "INPUT_INVALID",
      `${options.battlesFile}: no battle has a verdict to compare with`,
    );
  const dialogues = new Map(options.dialogues.map((d) => [d.id, d]));
  const work = reference.map((battle) => {
    const dialogue = dialogues.get(battle.dialogue_id);
    if (!dialogue)
      throw new PsysimError(
        "INPUT_INVALID",
        `${options.battlesFile}: battle ${battle.id}: dialogue "${battle.dialogue_id}" is not in ${options.dialoguesFile}`,
      );
    const history = battleHistory(dialogue, battle.turn);
    if (!history || historyRef(history) !== battle.history_ref) {
      throw new PsysimError(
        "INPUT_INVALID",
        `${options.battlesFile}: battle ${battle.id}: its history_ref does not match turn ${battle.turn} of dialogue "${battle.dialogue_id}" in ${options.dialoguesFile}; were the files written by the same run?`,
      );
    }
    return { battle, dialogue, history };
  });

  const usage = emptyUsage();
  const judged: Battle[] = new Array(work.length);
  // The agreement needs every verdict, so any failure ends the pass (no per-task handler).
  await runWorkerPool(work.length, { concurrency: options.concurrency }, async (k) => {
    const { battle, dialogue, history } = work[k]!;
    const context = {
      dialogueId: battle.dialogue_id,
      turn: battle.turn,
      seed: deriveSeed(options.seed, battle.id),
    };
    const verdict = await options.supervisor.compare(
      dialogue.language,
      history,
      battle.response_a,
      battle.response_b,
      context,
      options.bothOrders,
    );
    addUsage(usage, verdict.usage);
    judged[k] = {
      schema: schemaTag("battle"),
      id: `${battle.id}/${options.supervisor.judgeId}`,
      dialogue_id: battle.dialogue_id,
      turn: battle.turn,
      history_ref: battle.history_ref,
      model_a: battle.model_a,
      model_b: battle.model_b,
      response_a: battle.response_a,
      response_b: battle.response_b,
      winner: verdict.winner,
      judge: options.supervisor.judgeId,
      ...(verdict.order ? { order: verdict.order } : {}),
      rationale: verdict.rationale,
      ...(verdict.consistent !== undefined ? { consistent: verdict.consistent } : {}),
      ts: new Date().toISOString(),
    };
    options.onJudged?.(judged[k]!);
  });
  return {
    judge: options.supervisor.judgeId,
    referenceJudges: [...new Set(reference.map((b) => b.judge))].sort(),
    agreement: agreement(
      work.map(({ battle }, k) => ({ reference: battle.winner!, judged: judged[k]!.winner })),
    ),
    bias: judgeBias(judged),
    judged,
    usage,
  };
}
