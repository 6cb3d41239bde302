import type { Command } from "commander";
import { PsysimError } from "../../core/errors.js";
import { runAction } from "../run-action.js";

/** `psysim stats`: the paper's Table 1, one column per file. */
export function register(program: Command): void {
  program
    .command("stats")
    .description(
      "Table 1 statistics of dialogue files side by side: sessions, turns, utterances, utterance length, how sessions ended.",
    )
    .argument("<files...>", "dialogue JSONL files (psysim.dialogue/1)")
    .option(
      "--json <file>",
      "also write the full result (input hashes, per-session counts, aggregates) as JSON",
    )
    .option(
      "--by <field>",
      "one column per value of a role-card field (style, resistance_level, …), joined by role_card_id; needs --cards",
    )
    .option("--cards <file>", "the role cards the dialogues were simulated from (for --by)")
    .addHelpText(
      "after",
      "\nA turn is one client utterance answered by the counselor. Lengths are characters for Chinese\nand words for English (the header says which).\n\nExamples:\n  psysim stats sim.jsonl\n  psysim stats real.jsonl sim.jsonl --json stats.json\n  psysim stats sim.jsonl --by style --cards styled.jsonl\n",
    )
    .action(
      runAction(
        async (files: string[], options: { json?: string; by?: string; cards?: string }) => {
          const { statsReport, formatStatsTable } = await import("../../evaluation/index.js");
          const { writeJsonResult } = await import("../../report/index.js");
          if ((options.by === undefined) !== (options.cards === undefined))
            throw new PsysimError(
              "INPUT_INVALID",
              "--by and --cards go together: give both or neither",
            );
          const { readRoleCards } = await import("../../core/read-records.js");
          const { CARD_FIELDS } = await import("../../cards/index.js");
          if (options.by && !(CARD_FIELDS as readonly string[]).includes(options.by))
            throw new PsysimError(
              "INPUT_INVALID",
              `--by: "${options.by}" is not a role-card field; one of ${CARD_FIELDS.join(", ")}`,
            );
          const grouping =
            options.by && options.cards
              ? { by: options.by, cards: await readRoleCards(options.cards) }
              : undefined;
          const result = await statsReport(files, grouping);
          process.stdout.write(formatStatsTable(result.aggregates) + "\n");
          if (options.json) writeJsonResult(options.json, result);
        },
      ),
    );
}
