// Evaluation at scale: `psysim stats` + `psysim eval fidelity` (vocabulary overlap, Eq. 1,
// with the random-mapping control) over 1,000 and 10,000 generated Chinese sessions, read
// from JSONL as the commands do. Reports sessions per second, CPU seconds, and how the cost
// grows from 1k to 10k (target: linear, and 10k under 10 s of CPU on this machine).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { writeJsonlAtomic } from "../src/core/jsonl.js";
import { SeededRandom } from "../src/core/random.js";
import {
  fidelityReport,
  LexicalEmbeddingModel,
  segmentWords,
  SMILE_TOPICS,
  statsReport,
} from "../src/evaluation/index.js";

// Words to build utterances from: topic names cut into pieces plus everyday counseling words.
const WORDS = [
  ...new Set([
    ...SMILE_TOPICS.flatMap((t) => t.zh.split(/[/（）、，]/)).filter((w) => w.length > 0),
    ..."我 你 他 她 我们 最近 总是 觉得 感到 有点 非常 因为 所以 但是 然后 其实 可能 应该 希望 担心 害怕 工作 学习 家里 妈妈 爸爸 老板 同事 朋友 男朋友 女朋友 孩子 睡不着 吃不下 压力 很大 不知道 怎么办 时候 事情 问题 感受 想法 情绪 生活 关系 沟通 吵架 冷战 加班 考试 成绩 未来 自己 别人 看法 认可 拖延 焦虑 难过 生气 委屈 孤独 放松 改变 尝试 计划 目标 一起 慢慢 具体 说说 理解 支持 陪伴 鼓励".split(
      " ",
    ),
  ]),
];

/** Text from a session's own theme words (which its card shares) mixed with common ones, so the true mapping overlaps more than the random one. */
function utterance(random: SeededRandom, chars: number, theme: readonly string[]): string {
  let text = "";
  while (text.length < chars)
    text += random.pick(random.next() < 0.4 ? theme : WORDS) + (random.next() < 0.15 ? "，" : "");
  return text + "。";
}

function generate(n: number, seed: number): { dialogues: unknown[]; cards: unknown[] } {
  const random = new SeededRandom(seed);
  const dialogues: unknown[] = [];
  const cards: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const theme = Array.from({ length: 12 }, () => random.pick(WORDS));
    cards.push({ id: `c${i}`, language: "zh", chief_complaint: utterance(random, 250, theme) });
    const turns: { role: string; content: string }[] = [{ role: "client", content: "你好" }];
    const exchanges = 8 + random.int(11); // 8–18 turns, mean 13 as in SimPsyDial
    for (let t = 0; t < exchanges; t++) {
      turns.push({ role: "counselor", content: utterance(random, 70, theme) });
      if (t < exchanges - 1) turns.push({ role: "client", content: utterance(random, 54, theme) });
    }
    dialogues.push({
      schema: "psysim.dialogue/1",
      id: `d${i}`,
      role_card_id: `c${i}`,
      language: "zh",
      turns,
      ended_by: "termination_phrase",
      meta: {},
    });
  }
  return { dialogues, cards };
}

async function measure<T>(
  run: () => Promise<T>,
): Promise<{ wallMs: number; cpuMs: number; value: T }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

const dir = mkdtempSync(join(tmpdir(), "psysim-bench-eval-"));
try {
  const warm = await measure(async () => segmentWords("我最近总是睡不着，工作压力很大。", "zh"));
  console.log(`jieba dictionary load (once per process): ${warm.cpuMs.toFixed(0)} ms CPU`);
  const rows: {
    n: number;
    statsCpu: number;
    fidelityCpu: number;
    cpu: number;
    wall: number;
    embedCpu: number;
  }[] = [];
  for (const n of [1_000, 10_000]) {
    const { dialogues, cards } = generate(n, n);
    const d = join(dir, `d${n}.jsonl`);
    const c = join(dir, `c${n}.jsonl`);
    writeJsonlAtomic(d, dialogues);
    writeJsonlAtomic(c, cards);
    (globalThis as { gc?: () => void }).gc?.();
    const stats = await measure(() => statsReport([d]));
    const fidelity = await measure(() => fidelityReport({ dialogues: d, cards: c, seed: 1 }));
    const embedded = await measure(() =>
      fidelityReport({ dialogues: d, cards: c, seed: 1, embedding: new LexicalEmbeddingModel() }),
    );
    const overlap = fidelity.value.aggregates.overlap;
    rows.push({
      n,
      statsCpu: stats.cpuMs,
      fidelityCpu: fidelity.cpuMs,
      cpu: stats.cpuMs + fidelity.cpuMs,
      wall: stats.wallMs + fidelity.wallMs,
      embedCpu: embedded.cpuMs,
    });
    console.log(
      `${n} sessions: stats ${(stats.cpuMs / 1000).toFixed(2)} s CPU, fidelity (Eq. 1 + random control) ${(fidelity.cpuMs / 1000).toFixed(2)} s CPU; ` +
        `together ${((stats.cpuMs + fidelity.cpuMs) / 1000).toFixed(2)} s CPU, ${((stats.wallMs + fidelity.wallMs) / 1000).toFixed(2)} s wall, ` +
        `${(n / ((stats.cpuMs + fidelity.cpuMs) / 1000)).toFixed(0)} sessions per CPU second; ` +
        `overlap true ${overlap.a.mean!.toFixed(3)} vs random ${overlap.b.mean!.toFixed(3)}; ` +
        `with the lexical-baseline embedding (Eq. 2) fidelity takes ${(embedded.cpuMs / 1000).toFixed(2)} s CPU`,
    );
  }
  const [small, large] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log(
    `cost ratio 10k / 1k (ideal 10): CPU ${(large.cpu / small.cpu).toFixed(2)}, wall ${(large.wall / small.wall).toFixed(2)}; stats ${(large.statsCpu / small.statsCpu).toFixed(2)}, fidelity ${(large.fidelityCpu / small.fidelityCpu).toFixed(2)}, fidelity with embedding ${(large.embedCpu / small.embedCpu).toFixed(2)}`,
  );
  console.log(
    `target 10k under 10 s CPU: ${large.cpu < 10_000 ? "met" : "NOT met"} (${(large.cpu / 1000).toFixed(2)} s)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
