import type { Command } from "commander";
import { runAction } from "../run-action.js";

export function register(program: Command): void {
  program
    .command("demo")
    .description(
      "Run the pipeline offline on the example role cards with the rule-based baseline agents",
    )
    .option("--out-dir <dir>", "where the demo writes its files", "psysim-demo")
    .option(
      "--local <model.gguf>",
      "use a local GGUF model (llama.cpp) as client and counselor instead of the baseline",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  psysim demo\n  psysim demo --out-dir /tmp/demo\n  psysim demo --local ./models/qwen2.5-1.5b-instruct-q4_k_m.gguf",
    )
    .action(
      runAction(async (flags: { outDir: string; local?: string }) => {
        const { runDemo } = await import("../run-demo.js");
        await runDemo(flags);
      }),
    );
}
