// Grounding retrieval at scale: a synthetic corpus of 100,000 Chinese and 100,000 English
// exchanges (generated here: psysim ships no real corpus), indexed with `psysim index build`'s
// code, then 1,000 retrievals a language with a realistic query (a client utterance plus a
// chief complaint). Target: under 5 ms a turn. Reports build time, index size, and per-query
// mean, median and p95, with the machine's load average.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { dict } from "@node-rs/jieba/dict.js";
import { writeJsonlAtomic } from "../src/core/jsonl.js";
import type { Language } from "../src/core/language.js";
import { SeededRandom } from "../src/core/random.js";
import { buildGroundingIndex, GroundingIndex } from "../src/grounding/index.js";

const EXCHANGES = Number(process.env.GROUNDING_BENCH_EXCHANGES ?? 100_000);
const PER_DIALOGUE = 10;
const QUERIES = 1_000;

/** Words with a weight: Chinese from jieba's own dictionary (its frequencies), English a Zipf law over made-up words behind real function words. */
function vocabulary(language: Language): { words: string[]; cumulative: Float64Array } {
  let entries: [string, number][];
  if (language === "zh") {
    entries = Buffer.from(dict)
      .toString("utf8")
      .split("\n")
      .map((line) => line.split(" "))
      .filter(([w, f]) => w && /^\p{Script=Han}{1,4}$/u.test(w) && Number(f) > 0)
      .map(([w, f]): [string, number] => [w!, Number(f)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40_000);
  } else {
    const common =
      "i the and to a of it my you that in is was me but feel just so not have with for do he she they like about know what when this at be all can because really think we on no been am how time work up if her him out there would get more then even one or any why".split(
        " ",
      );
    const random = new SeededRandom(7);
    const syllables =
      "ka lo mi ten sar dup vel rin cho bat wem ist ord pla gre fun nor tis cal mon".split(" ");
    const made = new Set<string>();
    while (made.size < 40_000 - common.length)
      made.add(Array.from({ length: 2 + random.int(3) }, () => random.pick(syllables)).join(""));
    // Zipf's law (s = 1.07, close to English) on rank.
    entries = [...common, ...made].map((w, i): [string, number] => [w, 1 / (i + 1) ** 1.07]);
  }
  const cumulative = new Float64Array(entries.length);
  let sum = 0;
  entries.forEach(([, f], i) => (cumulative[i] = sum += f));
  for (let i = 0; i < cumulative.length; i++) cumulative[i]! /= sum;
  return { words: entries.map(([w]) => w), cumulative };
}

function sampler(language: Language, random: SeededRandom) {
  const { words, cumulative } = vocabulary(language);
  const word = (): string => {
    const u = random.next();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
  return (n: number): string => {
    const out: string[] = [];
    for (let i = 0; i < n; i++)
      out.push(word() + (random.next() < 0.12 ? (language === "zh" ? "，" : ",") : ""));
    return out.join(language === "zh" ? "" : " ") + (language === "zh" ? "。" : ".");
  };
}

function corpus(language: Language, random: SeededRandom) {
  const text = sampler(language, random);
  const dialogues: unknown[] = [];
  for (let d = 0; d < EXCHANGES / PER_DIALOGUE; d++) {
    const turns: { role: string; content: string }[] = [];
    for (let t = 0; t < PER_DIALOGUE; t++)
      turns.push(
        { role: "client", content: text(8 + random.int(25)) },
        { role: "counselor", content: text(6 + random.int(20)) },
      );
    dialogues.push({ id: `${language}-${d}`, language, turns });
  }
  return { dialogues, query: () => `${text(8 + random.int(25))}\n${text(40 + random.int(60))}` };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

// GROUNDING_BENCH_DIR keeps the corpus and index there (for profiling); by default a temp folder.
const keep = process.env.GROUNDING_BENCH_DIR;
const dir = keep ?? mkdtempSync(join(tmpdir(), "psysim-grounding-bench-"));
try {
  const random = new SeededRandom(1);
  const zh = corpus("zh", random);
  const en = corpus("en", random);
  const file = join(dir, "corpus.jsonl");
  const out = join(dir, "corpus.index");
  // With GROUNDING_BENCH_DIR, an index already there is reused (same seed, same corpus).
  const reuse = keep !== undefined && existsSync(out);
  if (!reuse) writeJsonlAtomic(file, [...zh.dialogues, ...en.dialogues]);
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const buildStart = performance.now();
  const buildCpu = process.cpuUsage();
  const summary = reuse
    ? { exchanges: { zh: EXCHANGES, en: EXCHANGES } }
    : await buildGroundingIndex({ corpus: file, out });
  const buildSeconds = (performance.now() - buildStart) / 1000;
  const cpu = process.cpuUsage(buildCpu);
  console.log(
    `build: ${summary.exchanges.zh} zh + ${summary.exchanges.en} en exchanges in ${buildSeconds.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; index ${(statSync(out).size / 1e6).toFixed(1)} MB`,
  );
  const openStart = performance.now();
  const index = GroundingIndex.open(out);
  console.log(`open: ${(performance.now() - openStart).toFixed(1)} ms`);
  for (const [language, source] of [
    ["zh", zh],
    ["en", en],
  ] as const) {
    const queries = Array.from({ length: QUERIES }, source.query);
    for (const text of queries.slice(0, 50)) index.search({ text, language, k: 3 }); // warm the page cache
    const times: number[] = [];
    let found = 0;
    const queryCpu = process.cpuUsage();
    for (const text of queries) {
      const start = performance.now();
      found += index.search({ text, language, k: 3 }).length;
      times.push(performance.now() - start);
    }
    const used = process.cpuUsage(queryCpu);
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    // On a shared machine wall time includes waiting for a core; CPU time is what a retrieval costs.
    console.log(
      `${language}: ${QUERIES} retrievals (k = 3, ${(found / QUERIES).toFixed(2)} hits each): CPU ${((used.user + used.system) / 1000 / QUERIES).toFixed(2)} ms a retrieval; wall mean ${mean.toFixed(2)} ms, median ${percentile(times, 0.5).toFixed(2)} ms, p95 ${percentile(times, 0.95).toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms`,
    );
  }
  index.close();
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
} finally {
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
}
