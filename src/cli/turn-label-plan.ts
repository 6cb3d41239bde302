import type { Dialogue } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import type { Shard } from "../core/shard.js";
import type { LoadedConfig } from "../config/index.js";
import type { TemplateOptions } from "../prompts/template.js";
import type { TurnLabelSpec } from "../evaluation/judges/turn-labels.js";

/** What the judge would label: sessions, each on the turns the spec picks. */
export interface TurnLabelWork {
  /** What is planned, for the first line: "12 sessions to label". */
  planned: string;
  items: readonly Dialogue[];
  spec: TurnLabelSpec<unknown>;
}

export interface TurnLabelPlanOptions {
  kind: "stages" | "safety";
  /** The dialogue file to label, or `work` already made (`eval safety --battles`). */
  dialogues?: string;
  work?: () => Promise<TurnLabelWork>;
  shard?: Shard;
  /** The judge spec or registry name; `baseline` runs offline. */
  judge: string;
  rounds?: number;
  templates?: TemplateOptions;
  /** `safety`: the help the prompt names, per language. */
  resources?: Record<Language, string>;
  config: LoadedConfig | undefined;
}

/** `eval stages|safety --dry-run`: the judge calls the dialogues would take, and their cost. */
export async function printTurnLabelPlan(options: TurnLabelPlanOptions): Promise<void> {
  const {
    readDialoguesToJudge,
    STAGE_LABEL_SPEC,
    STAGES_DEFAULTS,
    SAFETY_DEFAULTS,
    safetyLabelSpec,
  } = await import("../evaluation/index.js");
  const { DEFAULT_SUPPORT_RESOURCES } = await import("../simulation/support-resources.js");
  const resources = options.resources ?? DEFAULT_SUPPORT_RESOURCES;
  const work: TurnLabelWork = options.work
    ? await options.work()
    : await (async () => {
        const dialogues = await readDialoguesToJudge(options.dialogues!, options.shard);
        return {
          planned: `${dialogues.length} session${dialogues.length === 1 ? "" : "s"} to label`,
          items: dialogues,
          // The estimator reads only the turns and the prompt, never a label.
          spec: (options.kind === "stages"
            ? STAGE_LABEL_SPEC
            : safetyLabelSpec(resources)) as TurnLabelSpec<unknown>,
        };
      })();
  const planned = work.planned;
  if (options.judge === "baseline") {
    process.stdout.write(
      `dry run: ${planned}; no model was called\nno model calls: the baseline judge (${options.kind === "stages" ? "keyword rules" : "crisis lexicon and cue rules"}, not an LLM) runs offline\n`,
    );
    return;
  }
  const { RunEstimate, estimatedModel, formatPlan } = await import("../app/estimate-run.js");
  const { addTurnLabelEstimate, JUDGE_ESTIMATE_ASSUMPTIONS } =
    await import("../app/estimate-evaluation.js");
  const estimate = new RunEstimate();
  const rounds =
    options.rounds ?? (options.kind === "stages" ? STAGES_DEFAULTS : SAFETY_DEFAULTS).rounds;
  addTurnLabelEstimate(
    estimate,
    estimatedModel(options.judge, options.config?.models),
    `${options.kind} judge`,
    work.items,
    work.spec,
    { rounds, ...(options.templates && { templates: options.templates }) },
  );
  process.stdout.write(
    formatPlan(
      `${planned}, ${rounds} round${rounds === 1 ? "" : "s"}`,
      estimate.models(),
      `prompts rendered from the ${options.work ? "battles' histories and replies" : "dialogues"}; answers of ${JUDGE_ESTIMATE_ASSUMPTIONS.turnLabelReplyTokens} tokens a labelled turn assumed; re-asks of unparsed answers not counted`,
    ) + "\n",
  );
}
