import type { Command } from "commander";
import { parseInteger, parsePositiveInt, runAction } from "../run-action.js";

interface FidelityFlags {
  dialogues: string;
  cards: string;
  embeddings: string;
  seed: number;
  batchSize: number;
  stopWords?: string;
  json?: string;
  plots?: string;
}

/** `psysim eval fidelity|topics|wai`: the paper's §4 metrics. */
export function register(program: Command): void {
  const evaluate = program.command("eval").description("Evaluate simulated sessions as the paper does (§4): client fidelity, topic diversity, WAI-O-S.");

  evaluate
    .command("fidelity")
    .description("Vocabulary overlap (Eq. 1) and semantic consistency (Eq. 2) with each session's card, against a seeded random-mapping control.")
    .requiredOption("--dialogues <file>", "dialogue JSONL")
    .requiredOption("--cards <file>", "the role cards the sessions were simulated from")
    .option("--embeddings <model>", "embedding model for Eq. 2: a model spec, lexical-baseline (offline) or none", "lexical-baseline")
    .option("--seed <n>", "seed of the random-mapping derangement", parseInteger("--seed"), 1)
    .option("--batch-size <n>", "texts per embedding request", parsePositiveInt("--batch-size"), 32)
    .option("--stop-words <file>", "words to leave out of Eq. 1, one per line (recorded in the output)")
    .option("--json <file>", "write the full result (input hashes, settings, per-session values, aggregates)")
    .option("--plots <dir>", "write Figure 2 histograms as SVG and PNG")
    .addHelpText(
      "after",
      "\nExamples:\n  psysim eval fidelity --dialogues sim.jsonl --cards cards.jsonl\n  psysim eval fidelity --dialogues sim.jsonl --cards cards.jsonl --embeddings none --json fidelity.json --plots plots/\n",
    )
    .action(
      runAction(async (flags: FidelityFlags) => {
        const { fidelityReport, embeddingModelFor } = await import("../../evaluation/index.js");
        const { formatComparisonTable, progressLines, writeFidelityCharts, writeJsonResult } = await import("../../report/index.js");
        const embedding = await embeddingModelFor(flags.embeddings);
        const result = await fidelityReport({
          dialogues: flags.dialogues,
          cards: flags.cards,
          seed: flags.seed,
          batchSize: flags.batchSize,
          ...(embedding && { embedding }),
          ...(flags.stopWords && { stopWords: flags.stopWords }),
          onProgress: progressLines("embedding"),
        });
        const label = embedding ? `${embedding.id}${embedding.isBaseline ? ", baseline" : ""}` : null;
        const rows = [{ metric: "vocabulary overlap (Eq. 1)", comparison: result.aggregates.overlap }];
        if (result.aggregates.cosine) rows.push({ metric: `cosine (Eq. 2, ${label})`, comparison: result.aggregates.cosine });
        process.stdout.write(formatComparisonTable(rows, ["true mapping", "random mapping"]) + "\n");
        if (flags.json) writeJsonResult(flags.json, result);
        if (flags.plots) await writeFidelityCharts(result.sessions, flags.plots, label);
      }),
    );
}
