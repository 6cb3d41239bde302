import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  BACKBONE_TEMPLATES,
  LLAMAFACTORY_SOURCE,
  LLAMAFACTORY_TEMPLATES,
  stepPlan,
  templateFor,
} from "../../src/export/index.js";
import { tempDir, writeTemp } from "../helpers.js";
import { runPsysim } from "../cards/run-psysim.js";
import { session, jsonlOf } from "./dialogue-fixtures.js";

describe("LLaMA-Factory chat templates", () => {
  it("maps common backbone families to the template the registry has for them", () => {
    // Expected names read from hiyouga/LlamaFactory src/llamafactory/data/template.py @ 007303c0 (0.9.6.dev0).
    const cases: [string, string][] = [
      ["Qwen/Qwen2-7B-Instruct", "qwen"],
      ["Qwen/Qwen2.5-14B-Instruct", "qwen"],
      ["Qwen/Qwen3-8B", "qwen3"],
      ["Qwen/Qwen3-30B-A3B-Instruct-2507", "qwen3_nothink"],
      ["Qwen/Qwen3-4B-Thinking-2507", "qwen3"],
      ["deepseek-ai/deepseek-llm-7b-chat", "deepseek"],
      ["deepseek-ai/DeepSeek-V2-Lite-Chat", "deepseek"],
      ["deepseek-ai/DeepSeek-V3", "deepseek3"],
      ["deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "deepseekr1"],
      ["deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "deepseekr1"],
      ["google/gemma-2-9b-it", "gemma2"],
      ["google/gemma-3-12b-it", "gemma3"],
      ["google/gemma-2b-it", "gemma"],
      ["meta-llama/Meta-Llama-3-8B-Instruct", "llama3"],
      ["meta-llama/Llama-3.1-8B-Instruct", "llama3"],
      ["THUDM/glm-4-9b-chat", "glm4"],
      ["THUDM/chatglm3-6b", "chatglm3"],
      ["mistralai/Mistral-7B-Instruct-v0.3", "mistral"],
      ["mistralai/Mistral-Nemo-Instruct-2407", "ministral"],
      ["01-ai/Yi-1.5-9B-Chat", "yi"],
      ["internlm/internlm2_5-7b-chat", "intern2"],
      ["microsoft/Phi-3-mini-4k-instruct", "phi"],
    ];
    assert.deepEqual(
      cases.map(([backbone]) => [backbone, templateFor(backbone)]),
      cases,
    );
  });

  it("names only templates that are in the registry it carries, which no longer has baichuan2", () => {
    for (const rule of BACKBONE_TEMPLATES)
      if (typeof rule.template === "string")
        assert.ok(LLAMAFACTORY_TEMPLATES.includes(rule.template), rule.template);
    assert.equal(new Set(LLAMAFACTORY_TEMPLATES).size, LLAMAFACTORY_TEMPLATES.length);
    assert.equal(LLAMAFACTORY_TEMPLATES.includes("baichuan2"), false);
    assert.equal(LLAMAFACTORY_SOURCE.version, "0.9.6.dev0");
  });

  it("refuses an unknown template with the closest names, and a backbone it cannot place", () => {
    assert.throws(() => templateFor("Qwen/Qwen2-7B-Instruct", "qwen-3"), {
      message:
        '--template: "qwen-3" is not a chat template in LLaMA-Factory 0.9.6.dev0 (src/llamafactory/data/template.py); closest: qwen3, qwen, qwen3_5',
    });
    assert.equal(templateFor("acme/whatever-7b", "llama3"), "llama3");
    assert.throws(
      () => templateFor("acme/whatever-7b"),
      /cannot tell .* "acme\/whatever-7b"; pass --template NAME/,
    );
    assert.throws(
      () => templateFor("baichuan-inc/Baichuan2-7B-Chat"),
      /Baichuan2-7B-Chat" \(Baichuan, Baichuan2\): LLaMA-Factory 0\.9\.6\.dev0 no longer registers a Baichuan or Baichuan2 template; pass --template NAME/,
    );
  });

  it("the CLI refuses a bad template in one line and writes nothing", async () => {
    const dir = tempDir();
    const input = writeTemp(dir, "d.jsonl", jsonlOf([session("a", 1)]));
    const results = await Promise.all(
      ["llamafactory", "sharegpt"].map((format) =>
        runPsysim([
          "export",
          input,
          "--format",
          format,
          "--out",
          join(dir, format),
          "--template",
          "not-a-template",
        ]),
      ),
    );
    for (const result of results) {
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^psysim: --template: "not-a-template" is not a chat template in LLaMA-Factory 0\.9\.6\.dev0 .*; closest: [\w, -]+\n$/,
      );
    }
    assert.deepEqual(readdirSync(dir), ["d.jsonl"]);
  });
});

describe("stepPlan (eval and save steps)", () => {
  it("scales to about 10 evaluations per run at the paper's batch, unless given", () => {
    // 198 samples on 4 GPUs: ceil(198/4) = 50 batches, /2 accumulation = 25 steps an epoch, 2 epochs = 50; 50/10 = 5.
    assert.deepEqual(stepPlan(198, 4), { gpus: 4, total: 50, evalSteps: 5, saveSteps: 5 });
    // 1 GPU: 198 batches, 99 steps an epoch, 198 steps; 19.8 → 20.
    assert.deepEqual(stepPlan(198, 1), { gpus: 1, total: 198, evalSteps: 20, saveSteps: 20 });
    // A tiny run still evaluates: 3 samples → 1 batch → 1 step an epoch → 2 steps; every 1.
    assert.deepEqual(stepPlan(3, 4), { gpus: 4, total: 2, evalSteps: 1, saveSteps: 1 });
    assert.deepEqual(stepPlan(198, 4, { evalSteps: 7 }), {
      gpus: 4,
      total: 50,
      evalSteps: 7,
      saveSteps: 7,
    });
    assert.deepEqual(stepPlan(198, 4, { evalSteps: 7, saveSteps: 14 }), {
      gpus: 4,
      total: 50,
      evalSteps: 7,
      saveSteps: 14,
    });
  });
});
