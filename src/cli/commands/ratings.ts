import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import type { Language } from "../../core/language.js";
import { languageOption } from "../chart-language.js";
import { parseInteger, runAction } from "../run-action.js";

interface RatingsFlags {
  bootstrap: string;
  anchor?: string;
  seed: string;
  json?: string;
  plots?: string;
  by?: string;
  order: string;
  pseudoTies: string;
  lang?: Language;
}

// Numbers are parsed inside the action, so a bad value is reported by runAction as one line.
function parseNonNegative(flag: string, integer: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
      throw new UsageError(
        `${flag} expects ${integer ? "a whole number" : "a number"} from 0 up, got "${value}"`,
      );
    return n;
  };
}

/** `psysim ratings`: the arena leaderboard (Figure 6, Figure 14, Table 4). */
export function register(program: Command): void {
  languageOption(program.command("ratings"), "en")
    .description(
      "Rank counselors from arena battles: Bradley–Terry with bootstrap intervals and ranks, online Elo, battle counts, upvotes, judge bias.",
    )
    .argument(
      "<battles...>",
      "battle JSONL files (psysim.battle/1), e.g. from psysim arena or the annotation platform",
    )
    .option(
      "--bootstrap <rounds>",
      "bootstrap rounds for the 95% intervals (0: no intervals)",
      "1000",
    )
    .option("--anchor <model=rating>", "pin one model's rating (default: the mean rating is 1000)")
    .option("--seed <n>", "bootstrap seed", "0")
    .option(
      "--pseudo-ties <n>",
      "virtual tied battles per pair, used only when the data leave no finite fit (a model never lost)",
      "1",
    )
    .option(
      "--by <field>",
      "split the leaderboard: judge (one per LLM judge model, human, baseline; Figure 6's facets)",
    )
    .option(
      "--order <order>",
      "Elo update order: time (by each battle's ts, as FastChat) or file (the order read)",
      "time",
    )
    .option("--json <file>", "write the full result (input hashes, settings, every table) as JSON")
    .option(
      "--plots <dir>",
      "write ratings with intervals (Figure 6) and the battle-count heatmap (Figure 14) as SVG and PNG",
    )
    .addHelpText(
      "after",
      "\nBattles with no verdict (winner null) count as meetings, never as wins. A tie or both_bad is half a win.\n\nExamples:\n  psysim ratings battles.jsonl\n  psysim ratings llm.jsonl human.jsonl --by judge --anchor MeChat=1000 --json ratings.json --plots plots/\n",
    )
    .action(
      runAction(async (files: string[], flags: RatingsFlags) => {
        if (flags.by !== undefined && flags.by !== "judge")
          throw new UsageError(`--by accepts only "judge", got "${flags.by}"`);
        if (flags.order !== "time" && flags.order !== "file")
          throw new UsageError(`--order accepts time or file, got "${flags.order}"`);
        const { ratingsReport, formatLeaderboard } = await import("../../arena/index.js");
        const { writeJsonResult, writeRatingsCharts } = await import("../../report/index.js");
        const result = await ratingsReport({
          files,
          rounds: parseNonNegative("--bootstrap", true)(flags.bootstrap),
          seed: parseInteger("--seed")(flags.seed),
          byJudge: flags.by === "judge",
          eloOrder: flags.order,
          pseudoTies: parseNonNegative("--pseudo-ties", false)(flags.pseudoTies),
          ...(flags.anchor ? { anchor: flags.anchor } : {}),
        });
        const text = Object.entries(result.leaderboards).map(([name, board]) =>
          formatLeaderboard(board, name === "all" ? "Leaderboard" : `Judge: ${name}`),
        );
        const { identical, retracted, skipped } = result.left_out;
        if (identical + retracted + skipped > 0)
          text.push(
            `left out: ${identical} with identical candidates, ${retracted} retracted, ${skipped} skipped`,
          );
        process.stdout.write(text.join("\n\n") + "\n");
        if (flags.json) writeJsonResult(flags.json, result);
        if (flags.plots) await writeRatingsCharts(result, flags.plots, flags.lang ?? "en");
      }),
    );
}
