import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dialogue } from "../../src/core/dialogue.js";
import type { Language } from "../../src/core/language.js";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { runCli } from "../fixtures/run-cli.js";
import { syntheticBattles } from "./figure-fixtures.js";
import { scriptedSafetyJudge, scriptedStageJudge } from "./scripted-judges.js";

/** Text a careless page would turn into markup; the report must show it as text. */
export const INJECTION = `</script><img src=x onerror="document.title='pwned'">`;

const EXAMPLES = join(import.meta.dirname, "../../examples");

function lines(file: string): unknown[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
}

/** A session on `card` with `rounds` exchanges; some counselor turns carry σ refusals. */
function session(
  id: string,
  card: string,
  language: Language,
  rounds: number,
  k: number,
): Dialogue {
  const zh = language === "zh";
  const turns: Dialogue["turns"] = [];
  for (let r = 0; r < rounds; r++) {
    turns.push({
      role: "client",
      content: zh
        ? `最近总是睡不好，第${r + 1}次想到考试就焦虑。`
        : `I keep worrying about exam ${r + 1} and cannot sleep.`,
    });
    turns.push({
      role: "counselor",
      content: zh
        ? "听起来这段时间你压力很大，能多说说吗？"
        : "That sounds like a lot of pressure. Can you tell me more?",
      ...(r === 1 && k % 2 === 0
        ? {
            rejected: [
              {
                content: zh ? "1 深呼吸，2 散步，3 写日记" : "1. Breathe 2. Walk 3. Journal",
                reasons: ["enumeration"],
              },
            ],
          }
        : {}),
    });
  }
  if (k === 0) turns[0]!.content += ` ${INJECTION}`;
  return {
    id,
    role_card_id: card,
    language,
    turns,
    ended_by: k % 3 === 0 ? "max_turns" : "termination_phrase",
    meta: {},
  };
}

export interface ReportFixture {
  dir: string;
  real: string;
  sim: string;
  cards: string;
  battles: string;
  evaluations: string[];
  /** Sessions per dataset and language. */
  counts: { real: Record<Language, number>; sim: Record<Language, number> };
}

/**
 * Two small datasets on the example cards (real: 3 zh + 3 en; sim: 4 zh + 2 en), the
 * evaluations psysim writes for them (stats, fidelity, topics, WAI, stages with the offline
 * baselines; safety on the hand-written risk examples, baseline and scripted judge), battles from an LLM judge and a human, and a judge-agreement result.
 */
export async function writeReportFixture(dir: string): Promise<ReportFixture> {
  const cards = [
    ...lines(join(EXAMPLES, "cards.zh.jsonl")),
    ...lines(join(EXAMPLES, "cards.en.jsonl")),
  ] as { id: string; language: Language }[];
  const file = (name: string, records: unknown[]) => {
    const path = join(dir, name);
    writeFileSync(path, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    return path;
  };
  const pick = (language: Language, n: number) =>
    cards.filter((c) => c.language === language).slice(0, n);
  const dataset = (prefix: string, zh: number, en: number) =>
    [...pick("zh", zh), ...pick("en", en)].map((c, k) =>
      session(`${prefix}-${c.id}`, c.id, c.language, 3 + (k % 4), k),
    );
  const real = file("real.jsonl", dataset("real", 3, 3));
  const sim = file("sim.jsonl", dataset("sim", 4, 2));
  const cardsFile = file("cards.jsonl", cards);
  const battles = file("battles.jsonl", [
    ...syntheticBattles("llm:gpt-4o:prompt2", 300, 1),
    ...syntheticBattles("human:counselor-1", 120, 2),
  ]);
  const evaluations: string[] = [];
  const run = async (name: string, args: string[]) => {
    const json = join(dir, name);
    const r = await runCli([...args, "--json", json]);
    if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
    evaluations.push(json);
  };
  await run("stats.json", ["stats", real, sim]);
  for (const [name, path] of [
    ["real", real],
    ["sim", sim],
  ] as const) {
    await run(`fidelity-${name}.json`, [
      "eval",
      "fidelity",
      "--dialogues",
      path,
      "--cards",
      cardsFile,
    ]);
    await run(`topics-${name}.json`, [
      "eval",
      "topics",
      "--dialogues",
      path,
      "--judge",
      "baseline",
      "--rounds",
      "2",
      "--no-cache",
    ]);
    await run(`wai-${name}.json`, [
      "eval",
      "wai",
      "--dialogues",
      path,
      "--judge",
      "baseline",
      "--rounds",
      "1",
      "--no-cache",
    ]);
  }
  // Stages with the rule-based judge on both datasets; safety on the hand-written risk examples
  // with the lexicon and with a scripted judge over real HTTP (the reply labels are LLM-only).
  for (const [name, path] of [
    ["real", real],
    ["sim", sim],
  ] as const)
    await run(`stages-${name}.json`, ["eval", "stages", "--dialogues", path]);
  const handWritten = join(EXAMPLES, "hand-written-risk-sessions.jsonl");
  await run("safety-baseline.json", ["eval", "safety", "--dialogues", handWritten]);
  const judge = await startFakeOpenAIServer({
    reply: (body) =>
      body.response_format?.json_schema?.name === "dialogue_safety"
        ? scriptedSafetyJudge(body)
        : scriptedStageJudge(body),
  });
  try {
    await run("stages-real-judge.json", [
      "eval",
      "stages",
      "--dialogues",
      real,
      "--judge",
      `openai-compatible:scripted-judge@${judge.url}`,
      "--no-cache",
    ]);
    await run("safety-judge.json", [
      "eval",
      "safety",
      "--dialogues",
      handWritten,
      "--judge",
      `openai-compatible:scripted-judge@${judge.url}`,
      "--no-cache",
    ]);
  } finally {
    await judge.close();
  }
  await run("compare.json", [
    "compare",
    real,
    sim,
    "--wai",
    "baseline",
    "--stages",
    "baseline",
    "--safety",
    "baseline",
    "--rounds",
    "1",
    "--no-cache",
  ]);
  const agreement = join(dir, "agreement.json");
  writeFileSync(
    agreement,
    JSON.stringify({
      schema: "psysim.judge-agreement/1",
      inputs: { battles, dialogues: real },
      settings: { prompt: 2, both_orders: true, seed: 0 },
      judge: "openai:gpt-4o",
      referenceJudges: ["human:counselor-1"],
      agreement: {
        compared: 97,
        missing: 3,
        agreed: 62,
        accuracy: 62 / 97,
        kappa: 0.31,
        confusion: { a: { a: 30, b: 12 }, b: { a: 15, b: 32 }, tie: { a: 4, b: 4 } },
      },
      bias: {
        bothOrders: 97,
        flips: 11,
        flipRate: 11 / 97,
        decisiveUnequalLength: 90,
        longerWon: 52,
        longerWonRate: 52 / 90,
      },
      usage: {},
      battles_judged: 97,
    }),
  );
  evaluations.push(agreement);
  return {
    dir,
    real,
    sim,
    cards: cardsFile,
    battles,
    evaluations,
    counts: { real: { zh: 3, en: 3 }, sim: { zh: 4, en: 2 } },
  };
}
