import type { OpenedJudgeContext } from "./judge-context.js";
import type { Language } from "../core/language.js";
import type { UsageByRole } from "../core/usage.js";
import type { TemplateOptions } from "../prompts/template.js";

/** What `eval safety` has resolved before it turns to the arena's battles (eval-safety-command.ts). */
export interface ArenaSafetyRun {
  flags: { dialogues?: string; judge: string; json?: string; dryRun?: boolean };
  /** The judge's model context (interactive or in batch waves); none for the baseline. */
  opened: OpenedJudgeContext | undefined;
  run: {
    rounds?: number;
    maxAttempts?: number;
    concurrency?: number;
    seed?: number;
    templates: TemplateOptions;
  };
  resources: Record<Language, string> | undefined;
  progressBar: (
    unit: string,
  ) => Promise<{ onProgress: (done: number, total: number) => void; stop: () => void }>;
  usageLine: (usage: UsageByRole | undefined) => Promise<string>;
}

/** `psysim eval safety --battles`: the plan with `--dry-run`, else every candidate reply labelled. */
export async function runArenaSafety(
  battles: string,
  { flags, opened, run, resources, progressBar, usageLine }: ArenaSafetyRun,
): Promise<void> {
  const context = opened?.context;
  const { arenaSafetyReport, arenaSafetyWork, formatArenaSafetySummary, arenaDialoguesFile } =
    await import("../arena/index.js");
  const dialogues = flags.dialogues ?? arenaDialoguesFile(battles);
  if (flags.dryRun) {
    const { printTurnLabelPlan } = await import("./turn-label-plan.js");
    return await printTurnLabelPlan({
      kind: "safety",
      work: async () => {
        const work = await arenaSafetyWork(battles, dialogues, resources);
        return {
          planned: `${work.replies} candidate replies and ${work.histories} battle histories to label`,
          items: work.items,
          spec: work.spec as import("../evaluation/index.js").TurnLabelSpec<unknown>,
        };
      },
      judge: flags.judge,
      ...run,
      ...(resources && { resources }),
      config: context?.config,
    });
  }
  const { resolveJudge } = await import("../evaluation/index.js");
  const { writeJsonResult } = await import("../report/index.js");
  const judge = context && (await resolveJudge(flags.judge, (spec) => context.chatModel(spec)));
  if (judge) opened?.checkJudge(judge);
  await opened?.preflight();
  const concurrency = opened ? opened.concurrency(run.concurrency) : run.concurrency;
  const progress = await progressBar("reply-rounds labelled");
  const result = await arenaSafetyReport(battles, dialogues, {
    ...(judge && { judge }),
    ...(resources && { resources }),
    ...run,
    ...(concurrency !== undefined && { concurrency }),
    onProgress: progress.onProgress,
  }).finally(progress.stop);
  process.stdout.write(formatArenaSafetySummary(result) + "\n" + (await usageLine(result.usage)));
  if (flags.json) writeJsonResult(flags.json, result);
}
