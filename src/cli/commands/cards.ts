import type { Command } from "commander";
import { PsysimError } from "../../core/errors.js";
import { runAction } from "../run-action.js";

/** `psysim cards …`: client-pool tools (paper §3.4). */
export function register(program: Command): void {
  const cards = program.command("cards").description("Client pool tools: validate, build, split and summarise role cards (paper §3.4, Figure 8).");

  cards
    .command("validate")
    .description("Check a role-card file (JSONL, JSON array or YAML) and list every bad record as file:line: field: reason.")
    .argument("<file>", "role cards: JSONL, a JSON array or a YAML list")
    .addHelpText("after", "\nExamples:\n  psysim cards validate examples/cards.zh.jsonl\n")
    .action(
      runAction(async (file: string) => {
        const { validateCardsFile, formatPoolSummary } = await import("../../cards/index.js");
        const result = await validateCardsFile(file);
        if (result.ok) {
          process.stdout.write(formatPoolSummary(file, result.summary) + "\n");
          return;
        }
        for (const problem of result.problems) process.stderr.write(problem.message + "\n");
        const n = result.problems.length;
        const lines = new Set(result.problems.map((p) => p.line)).size;
        throw new PsysimError("INPUT_INVALID", `${file}: ${n} problem${n === 1 ? "" : "s"} on ${lines} line${lines === 1 ? "" : "s"}; fix the lines above`);
      }),
    );
}
