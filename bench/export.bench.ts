// SFT export at the paper's scale and beyond: 2,000 sessions of 20 exchanges (40,000
// samples, each carrying the Figure 9 system prompt) to LLaMA-Factory. Reports the export's
// CPU time as a ratio of the floor any exporter pays: reading and parsing the input twice
// (the exporter streams it twice to keep memory flat), serialising every sample and
// writing the file once.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  exportDialogues,
  systemPromptChoice,
  dialogueSamples,
  toShareGpt,
} from "../src/export/index.js";
import { ResponseValidator } from "../src/simulation/response-validator.js";
import type { Dialogue } from "../src/core/dialogue.js";

const SESSIONS = 2_000;
const EXCHANGES = 20;
const dir = mkdtempSync(join(tmpdir(), "psysim-bench-export-"));
const input = join(dir, "dialogues.jsonl");
let text = "";
for (let s = 0; s < SESSIONS; s++) {
  const turns: Dialogue["turns"] = [{ role: "client", content: "你好" }];
  for (let k = 1; k <= EXCHANGES; k++) {
    turns.push({
      role: "counselor",
      content: `会话${s}第${k}轮：听起来这件事让你很难受，能再多说一点当时你心里在想什么吗？`,
    });
    if (k < EXCHANGES)
      turns.push({
        role: "client",
        content: `会话${s}第${k + 1}轮：我也说不清，就是觉得很累，好像怎么做都不对，晚上也总是睡不着。`,
      });
  }
  text +=
    JSON.stringify({ schema: "psysim.dialogue/1", id: `s${s}`, language: "zh", turns, meta: {} }) +
    "\n";
}
writeFileSync(input, text);

function time<T>(run: () => Promise<T> | T): Promise<{ ms: number; cpuMs: number; value: T }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  return Promise.resolve(run()).then((value) => {
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
  });
}

const system = systemPromptChoice("paper");
const validators = new ResponseValidator("zh");
const full = await time(() =>
  exportDialogues({
    input,
    outDir: join(dir, "out"),
    format: "llamafactory",
    samples: "per-turn",
    systemPrompt: system,
    valRatio: 0.001,
    seed: 1,
    name: "psysim",
    backbone: "Qwen/Qwen2-7B-Instruct",
    precision: "bf16",
    checkReply: (reply) => validators.check(reply).reasons,
    dropFlagged: false,
  }),
);
const exportRss = process.memoryUsage().rss;
// The same sessions as one sample each (--samples per-session): same targets, far fewer tokens.
const perSession = await time(() =>
  exportDialogues({
    input,
    outDir: join(dir, "out-session"),
    format: "llamafactory",
    samples: "per-session",
    systemPrompt: system,
    valRatio: 0.001,
    seed: 1,
    name: "psysim",
    backbone: "Qwen/Qwen2-7B-Instruct",
    precision: "bf16",
    checkReply: (reply) => validators.check(reply).reasons,
    dropFlagged: false,
  }),
);
const floor = await time(() => {
  const out: string[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const line of readFileSync(input, "utf8").split("\n")) {
      if (line === "") continue;
      const dialogue = JSON.parse(line) as Dialogue;
      if (pass === 1)
        for (const s of dialogueSamples(dialogue, { system: system.forLanguage("zh")! }))
          out.push(JSON.stringify(toShareGpt(s)));
    }
  }
  writeFileSync(join(dir, "floor.jsonl"), out.join("\n") + "\n");
  return out.length;
});
const samples = full.value.samples.train + full.value.samples.validation;
const outBytes = statSync(join(dir, "out", "psysim_train.jsonl")).size;
console.log(
  `input ${(text.length / 1e6).toFixed(1)}M chars, ${SESSIONS} sessions → ${samples} samples, ${(outBytes / 1e6).toFixed(0)} MB out`,
);
console.log(
  `floor (parse twice + serialise + write): ${floor.ms.toFixed(0)} ms wall, ${floor.cpuMs.toFixed(0)} ms CPU`,
);
console.log(
  `export (validate, split, dedup, σ, anomaly filter, write, report): ${full.ms.toFixed(0)} ms wall, ${full.cpuMs.toFixed(0)} ms CPU`,
);
console.log(
  `ratio export / floor (CPU): ${(full.cpuMs / floor.cpuMs).toFixed(2)}; ${((full.cpuMs * 1000) / samples).toFixed(0)} µs CPU a sample`,
);
const sessionBytes = statSync(join(dir, "out-session", "psysim_train.jsonl")).size;
const cost = full.value.training!.cost;
console.log(
  `per-session export: ${perSession.value.samples.train + perSession.value.samples.validation} samples, ${(sessionBytes / 1e6).toFixed(0)} MB out, ${perSession.ms.toFixed(0)} ms wall, ${perSession.cpuMs.toFixed(0)} ms CPU (${(perSession.cpuMs / full.cpuMs).toFixed(2)} of per-turn's CPU)`,
);
console.log(
  `tokens per epoch: per-turn ${cost["per-turn"].tokens}, per-session ${cost["per-session"].tokens} (ratio ${(cost["per-turn"].tokens / cost["per-session"].tokens).toFixed(1)}) for ${cost["per-session"].targets} trained replies`,
);
console.log(
  `RSS after the export ${(exportRss / 1e6).toFixed(0)} MB (the floor, which buffers its output, then ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB)`,
);
rmSync(dir, { recursive: true, force: true });
