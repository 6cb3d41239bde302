import type { Command } from "commander";
import { PsysimError, UsageError } from "../../core/errors.js";
import { runAction } from "../run-action.js";

interface MergeFlags {
  out: string;
  cards?: string;
  requireComplete?: boolean;
  allowMissing?: boolean;
}

/** `eval <kind> --shard k/n --json` results: recomputed, not concatenated (see mergeEvaluations). */
async function mergeEvaluationShards(files: string[], flags: MergeFlags): Promise<void> {
  if (flags.cards || flags.requireComplete)
    throw new UsageError(
      "--cards and --require-complete are for dialogue files; evaluation shards are checked against their settings.shard",
    );
  const { mergeEvaluations } = await import("../../evaluation/merge-evaluations.js");
  const { writeJsonResult } = await import("../../report/json-result.js");
  const { result, shards, missing } = mergeEvaluations(files, {
    allowMissing: flags.allowMissing === true,
  });
  writeJsonResult(flags.out, result);
  const n = result.sessions.length;
  process.stdout.write(
    [
      `merged ${n} ${result.kind} session${n === 1 ? "" : "s"} from ${shards.length} shard${shards.length === 1 ? "" : "s"} → ${flags.out}; aggregates${result.by_group ? " and --by groups" : ""} recomputed from the sessions`,
      ...shards.map((s) => `  ${s.shard} ${s.file}: ${s.sessions}`),
      ...(missing.length > 0
        ? [
            `  PARTIAL: shard${missing.length === 1 ? "" : "s"} ${missing.join(", ")} missing; the aggregates cover only the shards above (settings.partial says so)`,
          ]
        : []),
      ...(result.usage ? ["  usage: summed over the shards (each counts its own cache hits)"] : []),
    ].join("\n") + "\n",
  );
}

/** `psysim merge`: shard outputs (`--shard k/n`) into one file. */
export function register(program: Command): void {
  program
    .command("merge")
    .description(
      "Combine the outputs of sharded runs (--shard k/n) into one file: each record once, settings and prompt hashes checked, missing cards reported. Evaluation results (eval <kind> --shard k/n --json) are merged by recomputing every aggregate from the sessions.",
    )
    .argument(
      "<files...>",
      "shard outputs: dialogue JSONL files, battle JSONL files, or eval --json results of one kind",
    )
    .requiredOption(
      "--out <file>",
      "merged JSONL, or merged evaluation JSON (written whole, via a temporary file)",
    )
    .option("--cards <file>", "the pool's role cards, to list cards no shard finished")
    .option("--require-complete", "exit 1 when a card of --cards has no dialogue")
    .option(
      "--allow-missing",
      "evaluation results: merge the shards given when some are missing, the result labelled partial (default: stop and name the missing shards)",
    )
    .addHelpText(
      "after",
      "\nA card in two shards, a record of another kind, or settings that differ (models, prompt\nhashes, seed, max turns, σ) stop the merge with one line naming the shard file and line.\n\nEvaluation results: every shard 1..n once, no session twice, the same dialogue file (by hash),\nsettings, prompts and judge; the aggregates, t-tests and --by groups are recomputed from the\nsessions in the file's order, equal to an unsharded run's.\n\nExamples:\n  psysim merge runs/shard-*.jsonl --out runs/all.jsonl --cards cards.jsonl\n  psysim merge battles-1.jsonl battles-2.jsonl --out battles.jsonl\n  psysim merge wai-1-of-3.json wai-2-of-3.json wai-3-of-3.json --out wai.json\n",
    )
    .action(
      runAction(async (files: string[], flags: MergeFlags) => {
        const { isEvaluationResultFile } = await import("../../evaluation/merge-evaluations.js");
        if (isEvaluationResultFile(files[0]!)) return mergeEvaluationShards(files, flags);
        if (flags.allowMissing)
          throw new UsageError(
            "--allow-missing is for evaluation results; a dialogue merge always writes what it has and lists missing cards (--require-complete makes them an error)",
          );
        const { mergeShards } = await import("../../core/merge-shards.js");
        const { readRoleCards } = await import("../../core/read-records.js");
        const cardIds = flags.cards ? (await readRoleCards(flags.cards)).map((c) => c.id) : [];
        const summary = await mergeShards({ inputs: files, out: flags.out, cardIds });
        const lines = [
          `merged ${summary.records} ${summary.kind}${summary.records === 1 ? "" : "s"} from ${files.length} file${files.length === 1 ? "" : "s"} → ${summary.out}`,
          ...summary.perInput.map((p) => `  ${p.file}: ${p.records}`),
        ];
        if (flags.cards) {
          const shown = summary.missing
            .slice(0, 10)
            .map((m) => (m.shard ? `${m.cardId} (shard ${m.shard})` : m.cardId));
          lines.push(
            summary.missing.length === 0
              ? `  every card of ${flags.cards} is there`
              : `  missing ${summary.missing.length} of ${cardIds.length} cards: ${shown.join(", ")}${summary.missing.length > 10 ? ", …" : ""}; rerun those shards with the same command`,
          );
        }
        process.stdout.write(lines.join("\n") + "\n");
        if (flags.requireComplete && summary.missing.length > 0)
          throw new PsysimError(
            "INPUT_INVALID",
            `${summary.missing.length} cards have no dialogue (the merged file was written)`,
          );
      }),
    );
}
