import type { Command } from "commander";
import { PsysimError } from "../../core/errors.js";
import { runAction } from "../run-action.js";

interface MergeFlags {
  out: string;
  cards?: string;
  requireComplete?: boolean;
}

/** `psysim merge`: shard outputs (`--shard k/n`) into one file. */
export function register(program: Command): void {
  program
    .command("merge")
    .description(
      "Combine the outputs of sharded runs (--shard k/n) into one file: each record once, settings and prompt hashes checked, missing cards reported.",
    )
    .argument("<files...>", "shard outputs: dialogue JSONL files, or battle JSONL files")
    .requiredOption("--out <file>", "merged JSONL (written whole, via a temporary file)")
    .option("--cards <file>", "the pool's role cards, to list cards no shard finished")
    .option("--require-complete", "exit 1 when a card of --cards has no dialogue")
    .addHelpText(
      "after",
      "\nA card in two shards, a record of another kind, or settings that differ (models, prompt\nhashes, seed, max turns, σ) stop the merge with one line naming the shard file and line.\n\nExamples:\n  psysim merge runs/shard-*.jsonl --out runs/all.jsonl --cards cards.jsonl\n  psysim merge battles-1.jsonl battles-2.jsonl --out battles.jsonl\n",
    )
    .action(
      runAction(async (files: string[], flags: MergeFlags) => {
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
