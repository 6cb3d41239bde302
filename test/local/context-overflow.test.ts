import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { PsysimError } from "../../src/core/errors.js";
import { readDialogues, readRoleCards } from "../../src/core/index.js";
import { CallCache } from "../../src/llm/call-cache.js";
import type { ChatMessage } from "../../src/llm/chat-model.js";
import { DROP_STEP } from "../../src/llm/local/llama-chat-engine.js";
import { loadLlamaModel } from "../../src/llm/local/llama-runtime.js";
import {
  createLlamaCppChatModel,
  disposeLlamaCppModels,
} from "../../src/llm/providers/llama-cpp.js";
import { resolveChatModel } from "../../src/llm/resolve-model.js";
import { simulate } from "../../src/simulation/simulate.js";
import { tinyModelPath } from "../fixtures/tiny-model.js";
import { tempDir } from "../helpers.js";

// Real llama.cpp on the tiny random-weight GGUF with a tiny context (256 tokens: llama.cpp
// rounds context sizes up to a multiple of 256). The text is gibberish; these tests check
// which turns the model was given, never what it said.
const modelPath = tinyModelPath();
const dir = tempDir();
after(async () => {
  await disposeLlamaCppModels();
  rmSync(dir, { recursive: true, force: true });
});

const MAX_TOKENS = 16;
const system: ChatMessage = { role: "system", content: "You are a counselor." };
/** A dialogue of `n` turns after the system prompt, the last one the client's. */
const dialogue = (n: number): ChatMessage[] => [
  system,
  ...Array.from({ length: n }, (_, i): ChatMessage => ({
    role: (n - 1 - i) % 2 === 0 ? "user" : "assistant",
    content: `Turn ${i}: I have been tired and anxious about work again.`,
  })),
];

/** Prompt tokens of `messages` in ChatML, rendered by hand and tokenised by llama.cpp directly. */
async function chatMlTokens(messages: readonly ChatMessage[]): Promise<number> {
  const { model } = await loadLlamaModel({
    modelPath,
    spec: "test",
    gpu: false,
    gpuLayers: 0,
    threads: 1,
  });
  const rendered =
    messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join("") +
    "<|im_start|>assistant\n";
  return 1 + model.tokenize(rendered, true).length; // node-llama-cpp's ChatML starts with BOS
}

const tiny = (contextOverflow?: "error" | "drop_oldest") =>
  createLlamaCppChatModel({
    modelPath,
    threads: 1,
    contextSize: 256,
    parallel: 1,
    sampling: { max_tokens: MAX_TOKENS, temperature: 0 },
    ...(contextOverflow ? { contextOverflow } : {}),
  });

describe("a dialogue that outgrows a local model's context", () => {
  it("is refused by default, with the token counts and the fix", async () => {
    const messages = dialogue(21);
    const prompt = await chatMlTokens(messages);
    assert.ok(prompt + MAX_TOKENS > 256, `the test dialogue must overflow (${prompt} tokens)`);
    await assert.rejects(
      tiny().complete({ messages, sampleKey: "d/turn-11/counselor/attempt-1" }),
      (e: unknown) =>
        e instanceof PsysimError &&
        e.code === "MODEL_CALL_FAILED" &&
        e.message ===
          `llama-cpp:${modelPath}: the dialogue outgrew the context: the prompt has ${prompt} tokens and the reply may take ${MAX_TOKENS} (max_tokens), more than context_size 256; raise context_size, lower max_tokens, or set context_overflow: drop_oldest to drop the oldest turns`,
    );
  });

  it("with drop_oldest keeps the system prompt and the newest turns, dropping the fewest steps that fit", async () => {
    const messages = dialogue(21);
    // The expected cut, found independently: the smallest step of DROP_STEP turns (or all
    // but the last turn) after which the hand-rendered prompt leaves room for the reply.
    let expected = 0;
    for (let drop = DROP_STEP; expected === 0; drop = Math.min(drop + DROP_STEP, 20)) {
      const kept = [system, ...messages.slice(1 + drop)];
      if ((await chatMlTokens(kept)) + MAX_TOKENS <= 256) expected = drop;
    }
    const keptTokens = await chatMlTokens([system, ...messages.slice(1 + expected)]);
    const reply = await tiny("drop_oldest").complete({ messages, sampleKey: "d/turn-11/x" });
    assert.deepEqual(
      [reply.droppedTurns, reply.usage.prompt_tokens],
      [expected, keptTokens],
      "dropped turns and the prompt the model saw",
    );
    // A dialogue that fits loses nothing and says nothing.
    const short = await tiny("drop_oldest").complete({ messages: dialogue(3), sampleKey: "s" });
    assert.equal(short.droppedTurns, undefined);
  });

  it("fails with one line when even the system prompt and the last turn leave no room", async () => {
    const huge: ChatMessage[] = [
      { role: "system", content: "You are a counselor. ".repeat(60) },
      { role: "user", content: "Hello." },
    ];
    await assert.rejects(
      tiny("drop_oldest").complete({ messages: huge, sampleKey: "h" }),
      (e: unknown) =>
        e instanceof PsysimError &&
        e.message ===
          `llama-cpp:${modelPath}: even the system prompt and the last turn alone leave no room for a reply of ${MAX_TOKENS} tokens (max_tokens) in context_size 256; raise context_size or lower max_tokens`,
    );
  });

  it("records dropped turns in the dialogue's meta, the same when replayed from the cache; by default the session fails", async () => {
    const cards = (await readRoleCards("examples/cards.en.jsonl")).slice(0, 1);
    const local = {
      provider: "llama-cpp",
      model_path: modelPath,
      threads: 1,
      parallel: 2,
    } as const;
    const run = async (name: string, config: object, cache?: CallCache, maxTurns = 12) => {
      const model = await resolveChatModel({ ...local, ...config }, cache ? { cache } : {});
      return simulate(
        { cards, out: join(dir, name), maxTurns, maxAttempts: 4, concurrency: 1, seed: 3 },
        { client: model, counselor: model },
      );
    };
    // The first turns' prompt size (the prompts are long), measured on a roomy context, sets
    // a context that the session outgrows after a few turns (replies are at most 24 tokens).
    const probe = await run("probe.jsonl", { context_size: 4096, max_tokens: 24 }, undefined, 2);
    assert.equal(probe.completed, 1);
    const first = Math.max(
      ...Object.values((await readDialogues(join(dir, "probe.jsonl")))[0]!.meta.usage!).map((u) =>
        Math.ceil(u.prompt_tokens / u.calls),
      ),
    );
    const tight = { context_size: first + 24 + 160, max_tokens: 24 };

    const refused = await run("refused.jsonl", tight);
    assert.equal(refused.completed, 0);
    assert.match(refused.failed[0]!.error, /set context_overflow: drop_oldest/);

    const cache = CallCache.open(join(dir, "cache.sqlite"));
    try {
      const dropping = { ...tight, context_overflow: "drop_oldest" };
      const dropped = await run("dropped.jsonl", dropping, cache);
      assert.deepEqual([dropped.completed, dropped.failed], [1, []]);
      const [d] = await readDialogues(join(dir, "dropped.jsonl"));
      assert.equal(d!.turns.length, 24, "the session ran all 12 turns");
      const drops = d!.meta.context_dropped!;
      assert.ok(drops.length > 0, "turns were dropped");
      for (const drop of drops) {
        assert.ok(["client", "counselor"].includes(drop.speaker));
        assert.ok(drop.turn > 1 && drop.dropped_turns > 0 && drop.dropped_turns % 2 === 0);
      }
      assert.deepEqual(
        drops.map((x) => x.turn),
        [...drops.map((x) => x.turn)].sort((a, b) => a - b),
      );

      assert.equal((await run("replayed.jsonl", dropping, cache)).completed, 1);
      const [r] = await readDialogues(join(dir, "replayed.jsonl"));
      assert.deepEqual(r!.meta.context_dropped, drops);
      assert.equal(r!.meta.usage!.counselor!.cached_calls, r!.meta.usage!.counselor!.calls);
    } finally {
      cache.close();
    }
  });
});
