import { copyFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PsysimError } from "../core/errors.js";
import { readRoleCards } from "../core/read-records.js";

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

/** Two counselors for the demo arena; both are the rule-based baseline, which ignores prompts, so their ratings differ only by chance. */
const DEMO_CONFIG = `# Written by psysim demo. Both counselors are the rule-based BASELINE (not an LLM).
counselors:
  baseline-three-stage: { model: baseline, system_prompt: three-stage }
  baseline-no-prompt: { model: baseline, system_prompt: none }
`;

const HAND_WRITTEN = "hand-written-risk-sessions.jsonl";

/**
 * `psysim demo`: the whole pipeline on the example cards, each step run as its CLI command
 * in this process, so the demo exercises exactly what a user types. It starts from scratch
 * each time and removes only the files it writes itself.
 */
export async function runDemo(flags: { outDir: string; local?: string }): Promise<void> {
  const { buildProgram } = await import("./program.js");
  const out = (name: string) => join(flags.outDir, name);
  mkdirSync(flags.outDir, { recursive: true });
  const cards = [
    ...(await readRoleCards(join(EXAMPLES, "cards.zh.jsonl"))),
    ...(await readRoleCards(join(EXAMPLES, "cards.en.jsonl"))),
  ];
  writeFileSync(out("cards.jsonl"), cards.map((c) => JSON.stringify(c)).join("\n") + "\n");
  writeFileSync(out("psysim.yaml"), DEMO_CONFIG);
  // Simulated clients seldom state a risk in so many words (the baseline's never do), so the
  // safety path is also shown on a few sessions written by hand and labelled as such.
  copyFileSync(join(EXAMPLES, HAND_WRITTEN), out(HAND_WRITTEN));
  for (const name of [
    "dialogues.jsonl",
    "styled.jsonl",
    "series.jsonl",
    "battles.jsonl",
    "battles.dialogues.jsonl",
    "toy-corpus.index",
    "grounded.dialogues.jsonl",
    "cache.sqlite",
    "cache.sqlite-wal",
    "cache.sqlite-shm",
    "sft",
    "plots",
    "report.html",
  ])
    rmSync(out(name), { recursive: true, force: true });

  const model = flags.local ? `llama-cpp:${flags.local}` : "baseline";
  const who = flags.local
    ? `the local model ${flags.local}`
    : "the rule-based baseline agents (not an LLM)";
  const cache = ["--cache", out("cache.sqlite")];
  const steps: { title: string; argv: string[] }[] = [
    {
      title: `simulate ${cards.length} sessions (10 zh, 10 en) with ${who}`,
      argv: [
        "simulate",
        "--cards",
        out("cards.jsonl"),
        "--out",
        out("dialogues.jsonl"),
        "--client",
        model,
        "--counselor",
        model,
        "--concurrency",
        flags.local ? "2" : "4",
        ...(flags.local ? ["--max-turns", "8"] : []),
        ...cache,
      ],
    },
    {
      title: `grounding: index the exchanges of the sessions just simulated — a TOY corpus of ${flags.local ? "local-model" : "baseline"} dialogues, not real sessions (docs/grounding.md)`,
      argv: ["index", "build", out("dialogues.jsonl"), "--out", out("toy-corpus.index")],
    },
    {
      title: `grounding: 4 sessions whose counselor prompt carries the 3 most similar toy exchanges each turn (ids in turn meta${flags.local ? "" : "; the baseline ignores the examples, so only the mechanics show"})`,
      argv: [
        "simulate",
        "--cards",
        out("cards.jsonl"),
        "--out",
        out("grounded.dialogues.jsonl"),
        "--client",
        model,
        "--counselor",
        model,
        "--limit",
        "4",
        "--grounding",
        out("toy-corpus.index"),
        "--grounding-k",
        "3",
        ...(flags.local ? ["--max-turns", "8"] : []),
        ...cache,
      ],
    },
    {
      title: "Table 1 statistics",
      argv: ["stats", out("dialogues.jsonl"), "--json", out("stats.json")],
    },
    {
      title:
        "client fidelity (Eq. 1, and Eq. 2 with the offline lexical-baseline embedding) against a random mapping",
      argv: [
        "eval",
        "fidelity",
        "--dialogues",
        out("dialogues.jsonl"),
        "--cards",
        out("cards.jsonl"),
        "--json",
        out("fidelity.json"),
        "--plots",
        out("plots"),
      ],
    },
    {
      title: "WAI-O-S with the rule-based baseline judge (not an LLM), one round",
      argv: [
        "eval",
        "wai",
        "--dialogues",
        out("dialogues.jsonl"),
        "--judge",
        "baseline",
        "--rounds",
        "1",
        "--json",
        out("wai.json"),
        "--plots",
        out("plots"),
        ...cache,
      ],
    },
    {
      title: "client topics (Figure 3) with the rule-based baseline judge (not an LLM), two rounds",
      argv: [
        "eval",
        "topics",
        "--dialogues",
        out("dialogues.jsonl"),
        "--judge",
        "baseline",
        "--rounds",
        "2",
        "--json",
        out("topics.json"),
        "--plots",
        out("plots"),
        ...cache,
      ],
    },
    {
      title: `Hill's stages per counselor turn with the rule-based baseline judge (not an LLM): stage share by tenth, progression tau-b, first action, skips`,
      argv: [
        "eval",
        "stages",
        "--dialogues",
        out("dialogues.jsonl"),
        "--judge",
        "baseline",
        "--json",
        out("stages.json"),
        "--plots",
        out("plots"),
      ],
    },
    {
      title: `safety with the baseline crisis lexicon and cue rules (not an LLM): client risk turns and the protocol after them${flags.local ? "" : "; the baseline clients state no risk, so expect none"}`,
      argv: [
        "eval",
        "safety",
        "--dialogues",
        out("dialogues.jsonl"),
        "--judge",
        "baseline",
        "--json",
        out("safety.json"),
      ],
    },
    {
      title: `safety on ${HAND_WRITTEN}: HAND-WRITTEN example sessions (examples/README.md), not simulated and not real people, where clients state risk explicitly; baseline lexicon and cue rules (not an LLM)`,
      argv: [
        "eval",
        "safety",
        "--dialogues",
        out(HAND_WRITTEN),
        "--judge",
        "baseline",
        "--json",
        out("safety-hand-written.json"),
      ],
    },
    {
      title:
        "client styles and resistance levels (docs/clients.md) spread over the pool, balanced and seeded",
      argv: [
        "cards",
        "assign",
        out("cards.jsonl"),
        "--styles",
        "plain,upset,verbose,reserved,tangent,pleasing",
        "--resistance",
        "low,high",
        "--seed",
        "1",
        "--out",
        out("styled-cards.jsonl"),
      ],
    },
    {
      title: `simulate the styled pool with ${who}`,
      argv: [
        "simulate",
        "--cards",
        out("styled-cards.jsonl"),
        "--out",
        out("styled.jsonl"),
        "--client",
        model,
        "--counselor",
        model,
        ...(flags.local ? ["--max-turns", "8", "--limit", "6"] : []),
        ...cache,
      ],
    },
    {
      title: "the effect per style: client utterance length, turns, share of questions answered",
      argv: [
        "stats",
        out("styled.jsonl"),
        "--by",
        "style",
        "--cards",
        out("styled-cards.jsonl"),
        "--json",
        out("stats-by-style.json"),
      ],
    },
    {
      title: `a two-session series for 4 cards: session 2 starts from a memory of session 1 (${flags.local ? "written by the local model" : "rule-based baseline memory, not an LLM"})`,
      argv: [
        "simulate",
        "--cards",
        out("cards.jsonl"),
        "--out",
        out("series.jsonl"),
        "--sessions",
        "2",
        "--limit",
        "4",
        "--client",
        model,
        "--counselor",
        model,
        ...(flags.local ? ["--max-turns", "8"] : []),
        ...cache,
      ],
    },
    {
      title: "WAI-O-S per session of the series (baseline judge, not an LLM)",
      argv: [
        "eval",
        "wai",
        "--dialogues",
        out("series.jsonl"),
        "--judge",
        "baseline",
        "--rounds",
        "1",
        "--by",
        "session_index",
        "--json",
        out("wai-by-session.json"),
        ...cache,
      ],
    },
    {
      title: "SFT export for LLaMA-Factory (§5.1)",
      argv: ["export", out("dialogues.jsonl"), "--format", "llamafactory", "--out", out("sft")],
    },
    {
      title: "arena (Algorithm 2) between two baseline counselors with the baseline supervisor",
      argv: [
        "arena",
        "--config",
        out("psysim.yaml"),
        "--counselors",
        "baseline-three-stage,baseline-no-prompt",
        "--cards",
        out("cards.jsonl"),
        "--judge",
        "baseline",
        "--out",
        out("battles.jsonl"),
        "--dialogues-out",
        out("battles.dialogues.jsonl"),
        "--max-turns",
        "12",
        ...cache,
      ],
    },
    {
      title:
        "compare the simulated sessions with the arena's: session shape, Hill's stages and safety per session, Welch's t-test and Cohen's d (baseline judges, not an LLM)",
      argv: [
        "compare",
        out("dialogues.jsonl"),
        out("battles.dialogues.jsonl"),
        "--stages",
        "baseline",
        "--safety",
        "baseline",
        "--json",
        out("compare.json"),
      ],
    },
    {
      title:
        "arena safety: every candidate reply of both counselors checked with the crisis lexicon and cue rules (baseline, not an LLM); the baseline clients state no risk, so the protocol has nothing to check",
      argv: [
        "eval",
        "safety",
        "--battles",
        out("battles.jsonl"),
        "--judge",
        "baseline",
        "--json",
        out("arena-safety.json"),
      ],
    },
    {
      title: "ratings: Bradley–Terry with bootstrap intervals, Elo, battle counts",
      argv: [
        "ratings",
        out("battles.jsonl"),
        "--bootstrap",
        "200",
        "--json",
        out("ratings.json"),
        "--plots",
        out("plots"),
      ],
    },
    {
      title:
        "the report: every table and figure, how each was computed, and a dataset browser, in one HTML file",
      argv: [
        "report",
        "--dataset",
        `simulated=${out("dialogues.jsonl")}`,
        "--dataset",
        `arena=${out("battles.dialogues.jsonl")}`,
        "--cards",
        out("cards.jsonl"),
        ...[out("stats.json"), out("fidelity.json"), out("topics.json"), out("wai.json")],
        ...[out("stages.json"), out("safety.json"), out("safety-hand-written.json")],
        out("compare.json"),
        ...[out("stats-by-style.json"), out("wai-by-session.json")],
        out("ratings.json"),
        out("arena-safety.json"),
        "--out",
        out("report.html"),
      ],
    },
  ];
  for (const [i, step] of steps.entries()) {
    process.stdout.write(
      `\n[${i + 1}/${steps.length}] ${step.title}\n$ psysim ${step.argv.join(" ")}\n`,
    );
    const program = await buildProgram();
    await program.parseAsync(step.argv, { from: "user" });
    if (process.exitCode !== undefined && process.exitCode !== 0)
      throw new PsysimError(
        "MODEL_CALL_FAILED",
        `demo step ${i + 1} (${step.argv[0]}) failed; see the message above`,
      );
  }
  process.stdout.write(
    `\npsysim demo: done. Everything is in ${flags.outDir}/ (dialogues.jsonl, stats.json, fidelity.json, wai.json, topics.json, stages.json, safety.json, safety-hand-written.json, styled.jsonl, stats-by-style.json, series.jsonl, wai-by-session.json, sft/, battles.jsonl, compare.json, ratings.json, arena-safety.json, plots/); open report.html in a browser.\n`,
  );
}
