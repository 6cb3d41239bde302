import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readRoleCards } from "../core/read-records.js";
import { createBaselineChatModel } from "../llm/providers/baseline.js";
import type { ChatModel } from "../llm/chat-model.js";
import { simulate } from "../simulation/simulate.js";
import { openModelContext } from "../llm/model-context.js";
import { ProgressBar, formatUsage } from "./progress.js";

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

/**
 * `psysim demo`: the example cards through Algorithm 1 with no model at all (the rule-based
 * baseline), or with a local GGUF model. It starts from scratch each time, so it only
 * removes the files it wrote itself.
 */
export async function runDemo(flags: { outDir: string; local?: string }): Promise<void> {
  const cards = [...(await readRoleCards(join(EXAMPLES, "cards.zh.jsonl"))), ...(await readRoleCards(join(EXAMPLES, "cards.en.jsonl")))];
  const dialogues = join(flags.outDir, "dialogues.jsonl");
  rmSync(dialogues, { force: true });
  const context = flags.local ? openModelContext({ cache: join(flags.outDir, "cache.sqlite") }) : undefined;
  try {
    const model: ChatModel = context ? await context.chatModel(`llama-cpp:${flags.local}`) : createBaselineChatModel();
    const label = model.isBaseline ? "the rule-based baseline agents (not an LLM)" : `the local model ${flags.local}`;
    process.stdout.write(`psysim demo: simulating ${cards.length} sessions (10 zh, 10 en) with ${label}\n`);
    const bar = new ProgressBar("sessions", { intervalMs: 2000 });
    const summary = await simulate({ cards, out: dialogues, concurrency: 4, maxTurns: model.isBaseline ? 50 : 8 }, { client: model, counselor: model }, (event) => {
      if (event.type === "run-start") bar.start(event.total);
      else if (event.type === "usage") bar.spend(event.role, event.usage);
      else bar.tick();
    });
    bar.stop();
    process.stdout.write(
      [
        `  ${summary.completed} dialogues → ${dialogues}${summary.failed.length ? ` (${summary.failed.length} failed: ${summary.failed[0]!.error})` : ""}`,
        `  usage: ${formatUsage(summary.usage)}`,
        `next: psysim stats ${dialogues}   ·   psysim eval fidelity --dialogues ${dialogues} --cards examples/cards.zh.jsonl`,
        "",
      ].join("\n"),
    );
  } finally {
    context?.close();
  }
}
