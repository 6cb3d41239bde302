import type { Command } from "commander";
import { groupByOptions, readGrouping } from "../group-by-option.js";
import { runAction } from "../run-action.js";

/** `psysim stats`: the paper's Table 1, one column per file. */
export function register(program: Command): void {
  groupByOptions(
    program
      .command("stats")
      .description(
        "Table 1 statistics of dialogue files side by side: sessions, turns, utterances, utterance length, how sessions ended.",
      )
      .argument("<files...>", "dialogue JSONL files (psysim.dialogue/1)")
      .option(
        "--json <file>",
        "also write the full result (input hashes, per-session counts, aggregates) as JSON",
      ),
  )
    .addHelpText(
      "after",
      "\nA turn is one client utterance answered by the counselor. Lengths are characters for Chinese\nand words for English (the header says which).\n\nExamples:\n  psysim stats sim.jsonl\n  psysim stats real.jsonl sim.jsonl --json stats.json\n  psysim stats sim.jsonl --by style --cards styled.jsonl\n  psysim stats series.jsonl --by session_index\n",
    )
    .action(
      runAction(
        async (files: string[], options: { json?: string; by?: string; cards?: string }) => {
          const { statsReport, formatStatsTable } = await import("../../evaluation/index.js");
          const { writeJsonResult } = await import("../../report/index.js");
          const grouping = await readGrouping(options);
          const result = await statsReport(files, grouping);
          process.stdout.write(formatStatsTable(result.aggregates) + "\n");
          if (options.json) writeJsonResult(options.json, result);
        },
      ),
    );
}
