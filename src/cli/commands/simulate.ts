import { InvalidArgumentError, type Command } from "commander";
import { ON_RISK, type OnRisk } from "../../simulation/session-loop.js";
import { dryRunOption, modelOptions, seedOption, shardOption } from "../common-options.js";
import { waveOptions } from "../wave-options.js";
import { parsePositiveInt, runAction } from "../run-action.js";
import type { SimulateFlags } from "../run-simulate.js";
import { promptSetOption } from "../prompt-flags.js";

/** Checked by Commander before anything is read (a usage error, exit 2, like `--test`). */
function parseOnRisk(value: string): OnRisk {
  if ((ON_RISK as readonly string[]).includes(value)) return value as OnRisk;
  throw new InvalidArgumentError(`--on-risk expects ${ON_RISK.join(" or ")}, got "${value}"`);
}

export function register(program: Command): void {
  const command = promptSetOption(
    program
      .command("simulate")
      .description("Simulate counseling sessions (Algorithm 1) for every role card; resumable")
      .requiredOption("--cards <file>", "role cards: JSONL, JSON array or YAML")
      .requiredOption(
        "--out <file>",
        "dialogues JSONL (appended; finished ids are skipped on rerun)",
      )
      .option(
        "--client <spec>",
        "client model spec (default: config simulation.client, else baseline)",
      )
      .option(
        "--counselor <spec>",
        "counselor model spec (default: config simulation.counselor, else baseline)",
      )
      .option(
        "--concurrency <n>",
        "sessions in flight (default 16)",
        parsePositiveInt("--concurrency"),
      )
      .option(
        "--max-turns <n>",
        "T: most turns per session (default 50)",
        parsePositiveInt("--max-turns"),
      )
      .option(
        "--on-risk <action>",
        "a client turn matching the crisis lexicon: record (in meta.crisis_flags, the default) | stop (also end the session after the counselor's reply, ended_by client_risk)",
        parseOnRisk,
      )
      .option("--limit <n>", "simulate only the first N cards", parsePositiveInt("--limit"))
      .option(
        "--sessions <n>",
        "sessions per card (default 1); session k+1 starts from the counselor's note and the client's recollection of sessions 1..k, written by the counselor and client models (docs/clients.md)",
        parsePositiveInt("--sessions"),
      )
      .option("--language <zh|en>", "force the session language (default: each card's)")
      .option(
        "--prompts <dir>",
        "folder of <name>.<language>.txt templates overriding the built-in ones",
      ),
  )
    .option(
      "--max-attempts <n>",
      "counselor generations per turn before the exhaustion policy (default 5)",
      parsePositiveInt("--max-attempts"),
    )
    .option("--exhausted-policy <policy>", "accept_last | truncate | fail (default accept_last)")
    .option(
      "--grounding <index>",
      "put the k most similar real exchanges into a prompt each turn, as style examples (psysim index build; docs/grounding.md)",
    )
    .option(
      "--grounding-k <n>",
      "exchanges retrieved a turn (default 3)",
      parsePositiveInt("--grounding-k"),
    )
    .option(
      "--grounding-role <role>",
      "whose prompt gets the examples: counselor | client | both (default counselor)",
    )
    .option(
      "--grounding-embeddings <spec|none>",
      "embed each query with this model (default: the one the index was built with, if any); none: BM25 only",
    )
    .option(
      "--progress-interval <ms>",
      "progress line period without a TTY (default 5000)",
      parsePositiveInt("--progress-interval"),
    );
  dryRunOption(
    waveOptions(
      modelOptions(
        seedOption(shardOption(command, "cards"), "seed for every random choice (default 0)"),
      ),
    ),
  )
    .addHelpText(
      "after",
      `
Examples:
  psysim simulate --cards examples/cards.zh.jsonl --out runs/zh.jsonl
  psysim simulate --cards cards.jsonl --out runs/gpt4.jsonl --client openai:gpt-4o --counselor openai:gpt-4o --concurrency 32
  psysim simulate --cards cards.jsonl --out runs/qwen.jsonl --config psysim.yaml --client qwen --counselor qwen --max-turns 30
  psysim simulate --cards cards.jsonl --out runs/batch.jsonl --client openai:gpt-4o-mini --counselor openai:gpt-4o-mini --mode wave --batch openai
  psysim simulate --cards cards.jsonl --out runs/series.jsonl --sessions 3`,
    )
    .action(
      runAction(async (flags: SimulateFlags) => {
        const { runSimulateCommand } = await import("../run-simulate.js");
        await runSimulateCommand(flags);
      }),
    );
}
