import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { PsysimError } from "../../src/core/errors.js";
import type { ChatMessage, ChatRequest } from "../../src/llm/chat-model.js";
import { loadLlamaModel } from "../../src/llm/local/llama-runtime.js";
import { ModelCallError } from "../../src/llm/model-call-error.js";
import {
  createLlamaCppChatModel,
  disposeLlamaCppModels,
  loadedLlamaCppResources,
} from "../../src/llm/providers/llama-cpp.js";
import { tinyModelPath, writeTinyModel } from "../fixtures/tiny-model.js";
import { tempDir } from "../helpers.js";

// Real llama.cpp inference on a random-weight model: the text is gibberish. These tests
// check plumbing (usage, determinism, sharing, limits), never quality.
const modelPath = tinyModelPath();
const dir = tempDir();
after(async () => {
  await disposeLlamaCppModels();
  rmSync(dir, { recursive: true, force: true });
});

const messages: ChatMessage[] = [
  { role: "system", content: "You are a counselor. 你是一名心理咨询师。" },
  { role: "user", content: "Hello, I feel anxious about work." },
];
const ask = (sampleKey: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages,
  sampleKey,
  ...extra,
});
const base = { modelPath, threads: 1, contextSize: 512, parallel: 2 } as const;

describe("llama-cpp chat model on a tiny GGUF", () => {
  it("answers a chat call with the prompt and reply token counts", async () => {
    const model = createLlamaCppChatModel({
      ...base,
      sampling: { max_tokens: 12, temperature: 0 },
    });
    assert.deepEqual(await model.load(), { chatFormat: "ChatML", contextSize: 512 });
    const reply = await model.complete(ask("s1"));
    // The prompt as ChatML renders it, written out by hand and tokenised by llama.cpp directly
    // (the same loaded weights: loading returns the process's shared copy).
    const { model: raw } = await loadLlamaModel({
      modelPath,
      spec: "test",
      gpu: false,
      gpuLayers: 0,
      threads: 1,
    });
    const rendered =
      "<|im_start|>system\nYou are a counselor. 你是一名心理咨询师。<|im_end|>\n<|im_start|>user\nHello, I feel anxious about work.<|im_end|>\n<|im_start|>assistant\n";
    const promptTokens = 1 + raw.tokenize(rendered, true).length; // node-llama-cpp's ChatML starts with BOS
    assert.equal(
      loadedLlamaCppResources().filter((k) => k.startsWith("model|")).length,
      2,
      "the model and its chat context, nothing new",
    );
    assert.equal(typeof reply.content, "string");
    assert.ok(reply.content.length > 0);
    assert.deepEqual(reply.usage, {
      prompt_tokens: promptTokens,
      completion_tokens: reply.usage.completion_tokens,
      calls: 1,
      cached_calls: 0,
      cost_usd: 0,
    });
    assert.ok(reply.usage.completion_tokens >= 1 && reply.usage.completion_tokens <= 12);
    assert.equal(reply.finishReason, reply.usage.completion_tokens === 12 ? "length" : "stop");
  });

  it("stops at max_tokens and says so", async () => {
    const model = createLlamaCppChatModel({ ...base, sampling: { temperature: 0 } });
    // Greedy decoding from this prompt is known (from the first test's seed) not to hit end-of-sequence within 5 tokens.
    const reply = await model.complete(ask("s1", { params: { max_tokens: 5 } }));
    assert.deepEqual([reply.usage.completion_tokens, reply.finishReason], [5, "length"]);
  });

  it("is deterministic: temperature 0 always, and with a temperature for the same seed and sample key", async () => {
    const greedy = createLlamaCppChatModel({
      ...base,
      sampling: { temperature: 0, max_tokens: 16 },
    });
    const a = await greedy.complete(ask("g1"));
    const b = await greedy.complete(ask("g2"));
    assert.equal(a.content, b.content);

    const hot = createLlamaCppChatModel({
      ...base,
      sampling: { temperature: 1, max_tokens: 16, seed: 42 },
    });
    const first = await hot.complete(ask("dialogue-1/turn-2"));
    const again = await hot.complete(ask("dialogue-1/turn-2"));
    const other = await hot.complete(ask("dialogue-2/turn-2"));
    const explicit = await hot.complete(ask("dialogue-3/turn-2", { params: { seed: 7 } }));
    const explicitAgain = await hot.complete(ask("dialogue-4/turn-9", { params: { seed: 7 } }));
    assert.equal(again.content, first.content);
    assert.notEqual(other.content, first.content, "another sample key draws another sample");
    assert.equal(
      explicitAgain.content,
      explicit.content,
      "an explicit seed wins over the sample key",
    );
    assert.notEqual(first.content, a.content);
  });

  it("shares one loaded model and context among models, and concurrent calls match sequential ones", async () => {
    const client = createLlamaCppChatModel({
      ...base,
      id: "client",
      sampling: { temperature: 1, max_tokens: 10, seed: 1 },
    });
    const counselor = createLlamaCppChatModel({
      ...base,
      id: "counselor",
      sampling: { temperature: 1, max_tokens: 10, seed: 1 },
    });
    const keys = ["d1", "d2", "d3", "d4", "d5"];
    const sequential: string[] = [];
    for (const key of keys) sequential.push((await client.complete(ask(key))).content);
    const concurrent = await Promise.all(
      keys.map((key, i) => (i % 2 === 0 ? client : counselor).complete(ask(key))),
    );
    assert.deepEqual(
      concurrent.map((r) => r.content),
      sequential,
    );
    const resources = loadedLlamaCppResources();
    assert.equal(
      resources.filter((k) => k.startsWith("model|") && !k.includes("|chat|")).length,
      1,
      resources.join(", "),
    );
    assert.equal(
      resources.filter((k) => k.includes(`|chat|ctx=512|parallel=2|`)).length,
      1,
      resources.join(", "),
    );
  });

  it("constrains the reply to JSON when a JSON schema is given", async () => {
    const judge = createLlamaCppChatModel({
      ...base,
      sampling: { temperature: 1, max_tokens: 40 },
    });
    const schema = {
      type: "object",
      properties: { winner: { enum: ["a", "b", "tie"] } },
      required: ["winner"],
    };
    for (const key of ["j1", "j2", "j3"]) {
      const reply = await judge.complete(ask(key, { jsonSchema: { name: "verdict", schema } }));
      const parsed = JSON.parse(reply.content) as { winner: string };
      assert.deepEqual(Object.keys(parsed), ["winner"]);
      assert.ok(["a", "b", "tie"].includes(parsed.winner), reply.content);
    }
  });

  it("warns once, naming the model and schema, when a JSON schema cannot become a grammar", async () => {
    const warnings: string[] = [];
    const judge = createLlamaCppChatModel({
      ...base,
      id: "local-judge",
      sampling: { temperature: 0, max_tokens: 8 },
      onWarning: (message) => warnings.push(message),
    });
    // node-llama-cpp turns most unsupported keywords into "any"; a null subschema makes it throw.
    const schema = { type: "object", properties: { winner: null } };
    for (const key of ["w1", "w2"]) {
      const reply = await judge.complete(ask(key, { jsonSchema: { name: "verdict", schema } }));
      assert.equal(typeof reply.content, "string");
    }
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(
      warnings[0]!,
      /^local-judge: the JSON schema "verdict" is outside .*unconstrained/,
    );
  });

  it("applies a chat template override to a model without one", async () => {
    const bare = writeTinyModel(join(dir, "no-template.gguf"), { chatTemplate: null });
    const named = createLlamaCppChatModel({ ...base, modelPath: bare, chatTemplate: "chatML" });
    assert.equal((await named.load()).chatFormat, "ChatML");
    const jinja = createLlamaCppChatModel({
      ...base,
      modelPath: bare,
      chatTemplate:
        "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}[assistant] ",
    });
    assert.equal((await jinja.load()).chatFormat, "JinjaTemplate");
    const reply = await jinja.complete(ask("t1", { params: { max_tokens: 4 } }));
    assert.equal(reply.usage.completion_tokens, 4);
    const wrong = createLlamaCppChatModel({ ...base, modelPath: bare, chatTemplate: "chatml-ish" });
    await assert.rejects(
      wrong.complete(ask("t2")),
      (e: unknown) =>
        e instanceof PsysimError &&
        e.code === "CONFIG_INVALID" &&
        /is not a Jinja template, a \.jinja file or one of general, deepSeek, qwen/.test(e.message),
    );
  });

  it("refuses a prompt longer than the context instead of dropping its start", async () => {
    const small = createLlamaCppChatModel({ ...base, contextSize: 64 });
    const long: ChatMessage[] = [
      { role: "user", content: "I feel tired and anxious. ".repeat(40) },
    ];
    await assert.rejects(
      small.complete({ messages: long, sampleKey: "long" }),
      (e: unknown) =>
        e instanceof PsysimError &&
        /the prompt has \d+ tokens and the reply may take 512 \(max_tokens\), more than context_size 256; raise context_size/.test(
          e.message,
        ),
    );
  });

  it("an aborted call rejects as aborted", async () => {
    const model = createLlamaCppChatModel({ ...base, sampling: { max_tokens: 400 } });
    const controller = new AbortController();
    const call = model.complete(ask("abort", { signal: controller.signal }));
    setImmediate(() => controller.abort(new Error("user pressed ctrl-c")));
    await assert.rejects(call, (e: unknown) => e instanceof ModelCallError && e.kind === "aborted");
  });
});
