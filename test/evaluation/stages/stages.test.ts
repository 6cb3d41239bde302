import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  baselineStage,
  kendallTauB,
  stageMeasures,
  stagesReport,
  tenthOf,
  type HillStage,
  type StagesResult,
} from "../../../src/evaluation/index.js";
import { tempDir } from "../../helpers.js";
import { resolveChatModel } from "../../../src/llm/resolve-model.js";
import { startFakeOpenAIServer, type FakeChatBody } from "../../fixtures/fake-openai-server.js";
import { runCli } from "../../fixtures/run-cli.js";
import { dialogue, writeJsonlFile } from "../fixtures.js";

const positions = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("kendallTauB", () => {
  // Reference: scipy 1.17.1, scipy.stats.kendalltau(range(1, n + 1), y).statistic (default
  // variant tau-b), computed with python3 on 2026-12-02 and pasted here.
  const scipy: [number[], number | null][] = [
    [[0, 0, 1, 1, 2, 2], 0.894427190999916],
    [[0, 1, 0, 2, 1, 2], 0.5962847939999439],
    [[2, 1, 0], -1.0],
    [[0, 2, 2, 1, 2], 0.35856858280031806],
    [[0, 0, 2, 0, 1, 2, 2], 0.6197797868009122],
    [[0, 0, 0], null], // scipy: nan (one stage throughout: tau undefined)
    [[0], null], // scipy: nan with SmallSampleWarning (n < 2)
    [[], null],
  ];
  for (const [y, expected] of scipy)
    it(`matches scipy for [${y.join(",")}]`, () => {
      const tau = kendallTauB(positions(y.length), y);
      if (expected === null) assert.equal(tau, null);
      else assert.ok(Math.abs(tau! - expected) < 1e-12, `${tau} vs ${expected}`);
    });

  it("rejects vectors of different length", () => {
    assert.throws(() => kendallTauB([1, 2], [1]));
  });
});

describe("baseline stage judge", () => {
  it("labels cues in zh and en, action before insight, exploration by default", () => {
    assert.deepEqual(baselineStage("你愿意多说一些吗？", "zh"), {
      stage: "exploration",
      rule: "default",
    });
    assert.equal(baselineStage("我注意到你每次提到父亲都会停顿。", "zh").stage, "insight");
    assert.equal(baselineStage("我注意到这个模式，建议你下周记录一下。", "zh").stage, "action");
    assert.equal(baselineStage("How did that feel?", "en").stage, "exploration");
    assert.equal(
      baselineStage("I wonder if this connects to your school years.", "en").stage,
      "insight",
    );
    assert.deepEqual(baselineStage("You could try a breathing exercise before bed.", "en"), {
      stage: "action",
      rule: "You could try",
    });
  });
});

describe("stageMeasures", () => {
  it("places turns in tenths by their midpoint", () => {
    assert.deepEqual(
      positions(4).map((i) => tenthOf(i - 1, 4)),
      [1, 3, 6, 8],
    );
    assert.deepEqual(
      positions(10).map((i) => tenthOf(i - 1, 10)),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it("measures a session with a skip and a late action", () => {
    const stages: HillStage[] = ["exploration", "exploration", "insight", "exploration", "action"];
    const m = stageMeasures(stages);
    assert.equal(m.counselor_turns, 5);
    assert.equal(m.first_action_turn, 5);
    assert.equal(m.skips, 1);
    // Stage indices [0,0,1,0,2]: by hand, 10 pairs, 3 tied in y, 6 concordant, 1 discordant ->
    // 5 / sqrt(10 * 7) = 0.5976143046671968, equal to scipy 1.17.1's kendalltau(range(1, 6), y).
    assert.ok(Math.abs(m.progression_tau_b! - 5 / Math.sqrt(70)) < 1e-12);
    // Tenths 1, 3, 5, 7, 9 hold one turn each; the others are empty.
    assert.deepEqual(m.share_by_tenth[1], { exploration: 1, insight: 0, action: 0 });
    assert.deepEqual(m.share_by_tenth[9], { exploration: 0, insight: 0, action: 1 });
    assert.equal(m.share_by_tenth[0], null);
  });

  it("gives null progression and no action for one-stage and one-turn sessions", () => {
    const same = stageMeasures(["exploration", "exploration", "exploration"]);
    assert.equal(same.progression_tau_b, null);
    assert.equal(same.first_action_turn, null);
    assert.equal(same.skips, 0);
    const one = stageMeasures(["action"]);
    assert.equal(one.progression_tau_b, null);
    assert.equal(one.first_action_turn, 1);
    assert.equal(stageMeasures([]).progression_tau_b, null);
  });
});

const zh = {
  ...dialogue("z1", "zh", [
    ["client", "你好"],
    ["counselor", "你好，今天想聊些什么？"],
    ["client", "我总是失眠"],
    ["counselor", "我注意到你说的失眠和工作压力似乎有联系。"],
    ["client", "是的"],
    ["counselor", "建议你下周每晚记录入睡时间。"],
  ]),
  meta: { counselor: "qwen" },
};
const en = {
  ...dialogue("e1", "en", [
    ["client", "Hi"],
    ["counselor", "Hello, what brings you here?"],
    ["client", "I can't sleep"],
    ["counselor", "You could try a wind-down routine next week."],
  ]),
  meta: { counselor: "gpt" },
};

describe("psysim eval stages", () => {
  it("labels every counselor turn and writes the result with input hashes", async () => {
    const dir = tempDir();
    const file = writeJsonlFile(dir, "sim.jsonl", [zh, en]);
    const out = join(dir, "stages.json");
    const r = await runCli([
      "eval",
      "stages",
      "--dialogues",
      file,
      "--json",
      out,
      "--plots",
      join(dir, "plots"),
    ]);
    // The figure (its text placement is checked in Chromium by test/report/figures.test.ts).
    assert.match(readFileSync(join(dir, "plots", "stages.svg"), "utf8"), /<svg[\s\S]*qwen/);
    assert.ok(readFileSync(join(dir, "plots", "stages.png")).length > 1000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /judge: baseline \(not an LLM\)/);
    assert.match(
      r.stdout,
      /qwen: 1 sessions; exploration 33%, insight 33%, action 33%; tau-b 1\.000/,
    );
    const json = JSON.parse(readFileSync(out, "utf8")) as StagesResult;
    assert.equal(json.kind, "stages");
    assert.equal(json.settings.judge, "baseline (not an LLM)");
    assert.equal(
      json.inputs[0]!.sha256,
      createHash("sha256").update(readFileSync(file)).digest("hex"),
    );
    assert.equal(json.inputs[0]!.records, 2);
    const z1 = json.sessions.find((s) => s.id === "z1")!;
    assert.deepEqual(
      z1.turns.map((t) => [t.turn, t.stage]),
      [
        [1, "exploration"],
        [3, "insight"],
        [5, "action"],
      ],
    );
    assert.equal(z1.first_action_turn, 3);
    const e1 = json.sessions.find((s) => s.id === "e1")!;
    assert.equal(e1.skips, 1);
    assert.deepEqual(
      json.aggregates.map((a) => [a.counselor, a.sessions, a.skips]),
      [
        ["gpt", 1, 1],
        ["qwen", 1, 0],
      ],
    );
  });

  it("reports an empty file", async () => {
    const dir = tempDir();
    const file = writeJsonlFile(dir, "empty.jsonl", []);
    await assert.rejects(stagesReport(file), /no records \(the file is empty\)/);
  });
});

describe("psysim eval stages with an LLM judge", () => {
  it("labels stages and skills over real HTTP, asks again for what is missing, records what stays unreadable", async () => {
    // zh: a clean answer, skills written loosely. en: prose first, then turn 2 only, then an
    // unknown stage for turn 4, so turn 4 ends unlabelled with the reason.
    const enAnswers = [
      "I think the counselor is exploring.",
      '{"labels": [{"turn": 2, "stage": "exploration", "skills": ["open question"]}]}',
      '```json\n{"labels": [{"turn": 4, "stage": "planning", "skills": []}]}\n```',
    ];
    let enCalls = 0;
    const reply = (body: FakeChatBody): string => {
      const prompt = body.messages.at(-1)!.content;
      assert.equal(body.response_format?.json_schema?.name, "hill_stages");
      if (prompt.includes("Clara Hill")) {
        if (prompt.includes("[2] 咨询师：你好，今天想聊些什么？"))
          return JSON.stringify({
            labels: [
              { turn: 2, stage: "exploration", skills: ["Open-Question"] },
              { turn: 4, stage: "insight", skills: ["interpretation"] },
              { turn: 6, stage: "action", skills: ["direct_guidance", "information"] },
            ],
          });
        return enAnswers[Math.min(enCalls++, enAnswers.length - 1)]!;
      }
      return "?";
    };
    const server = await startFakeOpenAIServer({ reply });
    try {
      const dir = tempDir();
      const file = writeJsonlFile(dir, "sim.jsonl", [zh, en]);
      const out = join(dir, "stages.json");
      const r = await runCli([
        "eval",
        "stages",
        "--dialogues",
        file,
        "--judge",
        `openai-compatible:judge@${server.url}`,
        "--json",
        out,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(enCalls, 3);
      assert.match(r.stdout, /judge: openai-compatible:judge@/);
      assert.match(r.stdout, /gpt: 1 sessions; exploration 100%.*unlabelled turns 1/);
      assert.match(r.stdout, /usage: /);
      const json = JSON.parse(readFileSync(out, "utf8")) as StagesResult;
      assert.equal(json.settings["judge_baseline"], false);
      const z1 = json.sessions.find((s) => s.id === "z1")!;
      assert.deepEqual(z1.turns, [
        { turn: 1, stage: "exploration", skills: ["open_question"], rounds: ["exploration"] },
        { turn: 3, stage: "insight", skills: ["interpretation"], rounds: ["insight"] },
        {
          turn: 5,
          stage: "action",
          skills: ["direct_guidance", "information"],
          rounds: ["action"],
        },
      ]);
      assert.equal(z1.progression_tau_b, 1);
      const e1 = json.sessions.find((s) => s.id === "e1")!;
      assert.deepEqual(e1.turns[1], {
        turn: 3,
        stage: null,
        rounds: [null],
        error: 'stage must be one of exploration, insight, action, got "planning"',
      });
      assert.equal(e1.unlabelled, 1);
      assert.equal(e1.first_action_turn, null);
      const qwen = json.aggregates.find((a) => a.counselor === "qwen")!;
      assert.deepEqual(qwen.skills, {
        open_question: 1,
        interpretation: 1,
        information: 1,
        direct_guidance: 1,
      });
    } finally {
      await server.close();
    }
  });

  it("takes the majority stage over rounds and leaves a tie unlabelled", async () => {
    const { evaluateStages } = await import("../../../src/evaluation/index.js");
    let stages = ["insight", "insight", "action"];
    let call = 0;
    const server = await startFakeOpenAIServer({
      reply: () => JSON.stringify({ labels: [{ turn: 4, stage: stages[call++], skills: [] }] }),
    });
    try {
      const judge = await resolveChatModel(`openai-compatible:judge@${server.url}`);
      const one = {
        ...dialogue("x", "en", [
          ["client", "Hi"],
          ["counselor", "Hello"],
          ["client", "Hm"],
          ["counselor", "I notice a pattern"],
        ]),
      };
      // Turn 2 is never answered for, so it stays unlabelled; turn 4 gets insight 2 : 1.
      const result = await evaluateStages([one], {
        judge,
        rounds: 3,
        maxAttempts: 1,
        concurrency: 1,
      });
      const turns = result.sessions[0]!.turns;
      assert.equal(turns[0]!.stage, null);
      assert.equal(turns[0]!.error, "turn 2 missing from the answer");
      assert.deepEqual(turns[1]!.rounds, ["insight", "insight", "action"]);
      assert.equal(turns[1]!.stage, "insight");
      stages = ["insight", "action"];
      call = 0;
      const tie = await evaluateStages([one], { judge, rounds: 2, maxAttempts: 1, concurrency: 1 });
      assert.equal(tie.sessions[0]!.turns[1]!.stage, null);
      assert.equal(
        tie.sessions[0]!.turns[1]!.error,
        "no majority across rounds: insight vs action",
      );
    } finally {
      await server.close();
    }
  });
});
