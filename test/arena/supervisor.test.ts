import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { emptyUsage } from "../../src/core/usage.js";
import type { Battle } from "../../src/core/battle.js";
import type { Dialogue, Turn } from "../../src/core/dialogue.js";
import { Supervisor } from "../../src/arena/supervisor.js";
import {
  loadSupervisorTemplate,
  renderSupervisorPrompt,
} from "../../src/arena/supervisor-template.js";
import { baselineSupervisorModel } from "../../src/arena/supervisor-baseline.js";
import { judgeAgreement } from "../../src/arena/judge-agreement.js";
import { historyRef } from "../../src/arena/battle-history.js";
import { flattenTranscript, parseCounselorRegistry } from "../../src/arena/counselor-registry.js";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";
import { tempDir, writeTemp } from "../helpers.js";

const history: Turn[] = [
  { role: "client", content: "你好" },
  { role: "counselor", content: "你好，想聊些什么？" },
  { role: "client", content: "我最近总是失眠。" },
];
const context = { dialogueId: "d1", turn: 2, seed: 7 };

describe("Supervisor", () => {
  it("renders prompt 2 with the history and both candidates, naming Figure 13 only in comments", () => {
    const template = loadSupervisorTemplate(2, "zh");
    const text = renderSupervisorPrompt(template, "zh", history, ["失眠多久了？", "早点睡吧。"]);
    assert.match(text, /来访者：你好\n咨询师：你好，想聊些什么？\n来访者：我最近总是失眠。/);
    assert.match(text, /回复A：失眠多久了？\n回复B：早点睡吧。/);
    assert.match(text, /最后的选择：/);
    assert.doesNotMatch(text, /Figure 13|^# /m);
    assert.match(loadSupervisorTemplate(1, "en").text, /Non-maleficence/);
  });

  it("asks again with a new sample key when the answer cannot be read, then gives up without a pick", async () => {
    const model = new ScriptedChatModel(["I would pick the first.", "Hard to say."], {
      id: "judge-model",
    });
    const supervisor = new Supervisor({
      model,
      prompt: 2,
      templates: { zh: loadSupervisorTemplate(2, "zh") },
    });
    const judgement = await supervisor.judge(
      "zh",
      history,
      ["a", "b"],
      context,
      "supervisor-ab",
      emptyUsage(),
    );
    assert.deepEqual(judgement, { letter: null, answer: "Hard to say.", attempts: 2 });
    assert.deepEqual(
      model.calls.map((c) => c.sampleKey),
      ["d1/turn-2/supervisor-ab/attempt-1", "d1/turn-2/supervisor-ab/attempt-2"],
    );
    assert.deepEqual(model.calls[0]!.task, {
      kind: "supervisor",
      language: "zh",
      detail: { prompt: 2, candidates: { A: "a", B: "b" } },
    });
  });

  it("maps the displayed letter back to the model, whichever order was shown", async () => {
    const model = new ScriptedChatModel((request) =>
      request.messages[0]!.content.includes("回复A：好回复")
        ? "- 最后的选择：A"
        : "- 最后的选择：B",
    );
    const supervisor = new Supervisor({
      model,
      prompt: 1,
      templates: { zh: loadSupervisorTemplate(1, "zh") },
    });
    for (let turn = 1; turn <= 6; turn++) {
      const verdict = await supervisor.compare(
        "zh",
        history,
        "好回复",
        "差回复",
        { ...context, turn },
        false,
      );
      assert.equal(verdict.winner, "a");
    }
    const both = await supervisor.compare("zh", history, "差回复", "好回复", context, true);
    assert.deepEqual([both.winner, both.consistent], ["b", true]);
    assert.equal(supervisor.judgeId, "llm:scripted:1");
  });

  it("signs the rule-based baseline's battles as baseline and prefers a reply that asks a question", async () => {
    const supervisor = new Supervisor({
      model: baselineSupervisorModel(),
      prompt: 2,
      templates: { en: loadSupervisorTemplate(2, "en") },
    });
    assert.equal(supervisor.judgeId, "baseline:baseline:2");
    const verdict = await supervisor.compare(
      "en",
      history,
      "Okay.",
      "How long has this been going on?",
      context,
      true,
    );
    assert.deepEqual([verdict.winner, verdict.consistent], ["b", true]);
  });
});

describe("Judge agreement", () => {
  const dialogue: Dialogue = {
    id: "s1",
    language: "zh",
    turns: [...history, { role: "counselor", content: "失眠多久了？" }],
    meta: {},
  };
  const battle = (id: string, winner: Battle["winner"], ref = historyRef(history)): Battle => ({
    id,
    dialogue_id: "s1",
    turn: 2,
    history_ref: ref,
    model_a: "A",
    model_b: "B",
    response_a: "失眠多久了？",
    response_b: "早点睡吧。",
    winner,
    judge: "human:ann",
    ts: "t",
  });

  it("re-judges each human battle on its own history and scores agreement", async () => {
    const supervisor = new Supervisor({
      model: baselineSupervisorModel(),
      prompt: 2,
      templates: { zh: loadSupervisorTemplate(2, "zh") },
    });
    const result = await judgeAgreement({
      battles: [battle("h1", "a"), battle("h2", "b"), battle("h3", null)],
      dialogues: [dialogue],
      supervisor,
      bothOrders: true,
      seed: 0,
      concurrency: 2,
      battlesFile: "h.jsonl",
      dialoguesFile: "d.jsonl",
    });
    // The baseline picks the question (model A) both times: agrees with h1, not h2; h3 has no human verdict.
    assert.deepEqual(
      [result.agreement.compared, result.agreement.agreed, result.agreement.accuracy],
      [2, 1, 0.5],
    );
    assert.deepEqual(
      result.judged.map((b) => [b.id, b.winner, b.judge]),
      [
        ["h1/baseline:baseline:2", "a", "baseline:baseline:2"],
        ["h2/baseline:baseline:2", "a", "baseline:baseline:2"],
      ],
    );
  });

  it("refuses a battle whose history_ref does not match its dialogue", async () => {
    const supervisor = new Supervisor({
      model: baselineSupervisorModel(),
      prompt: 2,
      templates: { zh: loadSupervisorTemplate(2, "zh") },
    });
    await assert.rejects(
      judgeAgreement({
        battles: [battle("h1", "a", "0000")],
        dialogues: [dialogue],
        supervisor,
        bothOrders: false,
        seed: 0,
        concurrency: 1,
        battlesFile: "h.jsonl",
        dialoguesFile: "d.jsonl",
      }),
      /h\.jsonl: battle h1: its history_ref does not match turn 2 of dialogue "s1" in d\.jsonl/,
    );
  });
});

describe("Counselor registry", () => {
  it("reads names, models, prompts, Table 3 sampling and transcripts, with defaults", () => {
    const dir = tempDir();
    writeTemp(dir, "soul.txt", "你是一位温暖的倾听者。\n");
    const registry = parseCounselorRegistry(
      {
        SoulChat: {
          model: "openai-compatible:soulchat@http://127.0.0.1:9/v1",
          system_prompt: "soul.txt",
          temperature: 0.95,
          top_p: 0.75,
        },
        MeChat: {
          model: "baseline",
          system_prompt: "none",
          transcript: { client: "用户：", counselor: "心理咨询师：" },
        },
        qwen: "baseline",
      },
      join(dir, "psysim.yaml"),
      dir,
    );
    assert.deepEqual(registry.get("SoulChat"), {
      name: "SoulChat",
      model: "openai-compatible:soulchat@http://127.0.0.1:9/v1",
      systemPrompt: { kind: "file", path: join(dir, "soul.txt"), text: "你是一位温暖的倾听者。" },
      sampling: { temperature: 0.95, top_p: 0.75 },
    });
    assert.deepEqual(registry.get("MeChat")?.transcript, {
      client: "用户：",
      counselor: "心理咨询师：",
      separator: "\n",
    });
    assert.deepEqual(registry.get("qwen"), {
      name: "qwen",
      model: "baseline",
      systemPrompt: { kind: "three-stage" },
      sampling: {},
    });
  });

  it("names the file and field of a bad entry", () => {
    assert.throws(
      () => parseCounselorRegistry({ x: { model: "baseline", top_p: 0 } }, "psysim.yaml", "."),
      /^PsysimError: psysim\.yaml: counselors\.x\.top_p: /,
    );
    assert.throws(
      () => parseCounselorRegistry({ x: { model: "baseline", colour: "red" } }, "psysim.yaml", "."),
      /psysim\.yaml: counselors\.x: .*colour/,
    );
    assert.throws(
      () => parseCounselorRegistry({ "bad name": "baseline" }, "psysim.yaml", "."),
      /counselors\.bad name: a counselor name may use/,
    );
    assert.throws(
      () => parseCounselorRegistry(["baseline"], "psysim.yaml", "."),
      /counselors: expected a mapping/,
    );
  });

  it("flattens a session into one transcript ending on the counselor's prefix", () => {
    assert.deepEqual(
      flattenTranscript(
        { client: "用户：", counselor: "心理咨询师：", separator: "\n" },
        history,
        "系统提示",
      ),
      [
        {
          role: "user",
          content:
            "系统提示\n用户：你好\n心理咨询师：你好，想聊些什么？\n用户：我最近总是失眠。\n心理咨询师：",
        },
      ],
    );
  });
});
