import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  loadTemplate,
  promptRef,
  promptSetName,
  renderTemplate,
} from "../../src/prompts/template.js";
import { ClientAgent } from "../../src/simulation/client-agent.js";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";
import { card } from "../simulation/fixtures.js";

// Each rule of the paper's figures (7, 9, 11, 12, 13) as the default set words it: psysim's own
// text, kept as close in meaning as the language allows (the points issue 12 found changed in
// psysim-v1 are here in their original sense: no pointless self-questions, no empathy early on).
const RULES: Record<string, string[]> = {
  "client.zh": [
    "2. 回答只能依据上面的个人资料。",
    "6. 这次咨询一共要进行50轮交流。",
    "别太早说“谢谢”或“再见”。",
  ],
  "client.en": [
    "2. Answer from your personal profile only.",
    "6. The session is to last 50 rounds",
  ],
  "counselor.zh": ["不要做没有意义的自问", "3. 前期不要“共情”；", "9. 多去引导来访者思考和探索。"],
  "counselor.en": [
    "do not put pointless questions to yourself",
    '3. In the early stage, no "empathy"',
  ],
  "supervisor-1.zh": [
    "5. 诚信性：",
    "6. 诚实性：",
    "- 最后的选择：X（X 为 A 或 B，括号里的内容不要输出）。",
  ],
  "supervisor-2.en": ['"I can see why you feel this way"', "- Final choice: X (X is A or B;"],
  "wai-item.en": ["rate the question below on a scale from 1 to 7", "Your score is"],
};

// The wording issue 12 found in psysim's first prompts: opt-in now, never in the default.
const PSYSIM_V1_ONLY: Record<string, string[]> = {
  "client.zh": ["资料里没有的经历不要编造", "{planned_rounds}"],
  "client.en": ["do not invent experiences", "{planned_rounds}"],
  "counselor.zh": ["不提无意义的问题", "先不要急着“共情”"],
  "wai-item.en": ["Do not rate high by default."],
  "wai-item.zh": ["不要默认给高分。"],
  "topics.en": ["add a short name of your own"],
};

function load(id: string, promptSet?: "psysim-v1") {
  const [name, language] = id.split(".") as [string, "zh" | "en"];
  return loadTemplate(name, language, promptSet ? { promptSet } : {});
}

describe("prompt sets", () => {
  it("defaults to every rule of the paper's figures, in psysim's own words", () => {
    for (const [id, sentences] of Object.entries(RULES))
      for (const sentence of sentences)
        assert.ok(load(id).text.includes(sentence), `${id}: ${sentence}`);
  });

  it("keeps psysim's own changes out of the default and in the opt-in set psysim-v1", () => {
    for (const [id, phrases] of Object.entries(PSYSIM_V1_ONLY))
      for (const phrase of phrases) {
        assert.ok(!load(id).text.includes(phrase), `default ${id} must not say ${phrase}`);
        assert.ok(load(id, "psysim-v1").text.includes(phrase), `psysim-v1 ${id}: ${phrase}`);
      }
  });

  it("records the set in the prompt reference kept in meta", () => {
    assert.equal(promptRef(load("client.zh")).id, "client.zh");
    const v1 = load("client.zh", "psysim-v1");
    assert.deepEqual(promptRef(v1), { id: "client.zh@set:psysim-v1", sha256: v1.sha256 });
    assert.notEqual(v1.sha256, load("client.zh").sha256);
  });

  it("takes a template the set does not change from the default", () => {
    assert.equal(load("wai-item.en", "psysim-v1").source, "set:psysim-v1");
    // The user's folder still wins over the set, file by file.
    const own = mkdtempSync(join(tmpdir(), "psysim-prompts-"));
    writeFileSync(join(own, "client.en.txt"), "Be the client: {role_card}\n{style_rule}");
    const mine = loadTemplate("client", "en", { overrideDir: own, promptSet: "psysim-v1" });
    assert.equal(mine.source, join(own, "client.en.txt"));
    assert.equal(loadTemplate("counselor", "en", { overrideDir: own }).source, "builtin");
  });

  it("refuses an unknown set with the names there are", () => {
    assert.throws(
      () => promptSetName("psysim-v2"),
      /unknown prompt set "psysim-v2"; available: paper, psysim-v1/,
    );
  });

  it("gives the client Figure 7's six rules, plus rule 7 only for a card with a style", () => {
    const model = new ScriptedChatModel([]);
    const plain = new ClientAgent({
      model,
      card: card("c1"),
      language: "zh",
      template: load("client.zh"),
      plannedRounds: 30,
    });
    assert.match(plain.systemPrompt, /6\. 这次咨询一共要进行50轮交流。$/);
    assert.ok(!plain.systemPrompt.includes("30"));
    const styled = new ClientAgent({
      model,
      card: { ...card("c2"), style: "reserved" },
      language: "zh",
      template: load("client.zh"),
      plannedRounds: 30,
    });
    assert.match(
      styled.systemPrompt,
      /50轮交流。\n7\. 说话风格：戒备。你的回答常常简短、含糊或躲闪；[^\n]+每次不超过5句。$/,
    );
    const v1 = new ClientAgent({
      model,
      card: card("c3"),
      language: "zh",
      template: load("client.zh", "psysim-v1"),
      plannedRounds: 30,
    });
    assert.match(v1.systemPrompt, /约 30 轮来回交流/);
  });

  it("still fails loudly when a template drops a required placeholder", () => {
    const template = { ...load("client.en"), text: "no card here {style_rule}" };
    assert.throws(
      () => renderTemplate(template, { role_card: "x", style_rule: "" }),
      /must contain \{role_card\}/,
    );
  });
});
