import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PsysimError } from "../../src/core/errors.js";
import { parseModelSpec, resolveModelSpec } from "../../src/llm/model-spec.js";
import { resolveChatModel } from "../../src/llm/resolve-model.js";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";

const ask = { messages: [{ role: "user" as const, content: "你好" }], sampleKey: "s" };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof PsysimError ? [error.code, error.message] : [String(error)];
  }
  return ["no error"];
};

describe("model specs", () => {
  it("parses every spec form into a model configuration", () => {
    assert.deepEqual(
      [
        "openai:gpt-4o",
        "openai-compatible:Qwen2-7B-Instruct@http://127.0.0.1:8000/v1",
        "openai-compatible:q@http://a:1/v1,http://b:2/v1",
        "ollama:qwen2.5:7b",
        "http-bot:http://127.0.0.1:9001/v1/chat/soulchat",
        "llama-cpp:./models/q.gguf",
        "baseline",
      ].map(parseModelSpec),
      [
        { provider: "openai", model: "gpt-4o" },
        {
          provider: "openai-compatible",
          model: "Qwen2-7B-Instruct",
          base_url: "http://127.0.0.1:8000/v1",
        },
        { provider: "openai-compatible", model: "q", base_url: ["http://a:1/v1", "http://b:2/v1"] },
        { provider: "ollama", model: "qwen2.5:7b" },
        { provider: "http-bot", url: "http://127.0.0.1:9001/v1/chat/soulchat" },
        { provider: "llama-cpp", model_path: "./models/q.gguf" },
        { provider: "baseline" },
      ],
    );
  });

  it("resolves names under models:, through aliases, keeping the name as the id", () => {
    const models = {
      fast: "smart",
      smart: { provider: "openai" as const, model: "gpt-4o", temperature: 1 },
    };
    assert.deepEqual(resolveModelSpec("fast", models), {
      id: "fast",
      config: { provider: "openai", model: "gpt-4o", temperature: 1 },
    });
    assert.deepEqual(resolveModelSpec({ provider: "ollama", model: "qwen2.5:7b" }), {
      id: "ollama:qwen2.5:7b",
      config: { provider: "ollama", model: "qwen2.5:7b" },
    });
  });

  it("rejects an unknown spec with one line listing the accepted forms and the configured names", () => {
    assert.deepEqual(
      codeOf(() => resolveModelSpec("gpt4o", { gpt4: "openai:gpt-4" })),
      [
        "MODEL_SPEC_INVALID",
        'model spec "gpt4o": unknown model; use openai:<model>, openai-compatible:<model>@<http://host:port/v1>[,<more base URLs>], ollama:<model>, http-bot:<http://host/path>, llama-cpp:<path/to/model.gguf>, baseline, or a name under models: in psysim.yaml (gpt4)',
      ],
    );
    assert.deepEqual(
      codeOf(() => parseModelSpec("openai-compatible:qwen")),
      [
        "MODEL_SPEC_INVALID",
        'model spec "openai-compatible:qwen": expected openai-compatible:<model>@<http://host:port/v1>',
      ],
    );
    assert.deepEqual(
      codeOf(() => parseModelSpec("http-bot:ftp://x")),
      [
        "MODEL_SPEC_INVALID",
        'model spec "http-bot:ftp://x": url: expected an http:// or https:// URL',
      ],
    );
    assert.deepEqual(
      codeOf(() => resolveModelSpec("a", { a: "b", b: "a" })),
      [
        "MODEL_SPEC_INVALID",
        'model spec "a": models: names refer to each other in a loop (a → b → a)',
      ],
    );
  });
});

describe("resolveChatModel", () => {
  it("names the environment variable to set when an API key is missing", async () => {
    await assert.rejects(
      resolveChatModel("openai:gpt-4o", { env: {} }),
      (e: unknown) =>
        e instanceof PsysimError &&
        e.code === "MISSING_API_KEY" &&
        e.message ===
          "openai:gpt-4o needs an API key: set the environment variable OPENAI_API_KEY (keys are read only from the environment, never from files)",
    );
    const config = {
      models: {
        vllm: {
          provider: "openai-compatible" as const,
          model: "q",
          base_url: "http://127.0.0.1:1/v1",
          api_key_env: "VLLM_API_KEY",
        },
      },
    };
    await assert.rejects(
      resolveChatModel("vllm", { config, env: {} }),
      /vllm needs an API key: set the environment variable VLLM_API_KEY/,
    );
  });

  it("calls OpenAI with the key from the environment and the configured sampling", async () => {
    const server = await startFakeOpenAIServer({ apiKey: "sk-from-env" });
    try {
      const config = {
        models: {
          gpt4: {
            provider: "openai" as const,
            model: "gpt-4-1106-preview",
            base_url: server.url,
            temperature: 1,
            max_tokens: 500,
          },
        },
      };
      const model = await resolveChatModel("gpt4", {
        config,
        env: { OPENAI_API_KEY: "sk-from-env" },
        sampling: { max_tokens: 100 },
      });
      assert.equal(model.id, "gpt4");
      assert.equal((await model.complete(ask)).content, "echo: 你好");
      assert.deepEqual(server.requests.at(-1)?.body, {
        model: "gpt-4-1106-preview",
        messages: ask.messages,
        temperature: 1,
        max_tokens: 100,
      });
    } finally {
      await server.close();
    }
  });

  it("sends no key to an openai-compatible server unless api_key_env is configured", async () => {
    const server = await startFakeOpenAIServer();
    try {
      const model = await resolveChatModel(`openai-compatible:q@${server.url}`, {
        env: { OPENAI_API_KEY: "sk-secret" },
      });
      await model.complete(ask);
      assert.equal(server.requests.at(-1)?.headers.authorization, "Bearer EMPTY");
    } finally {
      await server.close();
    }
  });

  it("talks to an http-bot as {messages} → {response}", async () => {
    const server = await startFakeOpenAIServer({
      reply: (body, ctx) => `${ctx.botName}: ${body.messages.length} messages`,
    });
    try {
      const model = await resolveChatModel(`http-bot:${server.origin}/bot/soulchat`);
      const reply = await model.complete({
        ...ask,
        messages: [{ role: "system", content: "s" }, ...ask.messages],
      });
      assert.deepEqual(reply, {
        content: "soulchat: 2 messages",
        usage: {
          prompt_tokens: 0,
          completion_tokens: 0,
          calls: 1,
          cached_calls: 0,
          cost_usd: 0,
          unpriced_calls: 1,
        },
        finishReason: "stop",
      });
      assert.deepEqual(server.requests.at(-1)?.body, {
        messages: [
          { role: "system", content: "s" },
          { role: "user", content: "你好" },
        ],
      });
    } finally {
      await server.close();
    }
  });

  it("retries an http-bot's 503 and malformed body, and does not retry its 400", async () => {
    const replies = [
      { fault: "unavailable" as const },
      { fault: "truncated-json" as const },
      "fine",
      { fault: "bad-request" as const },
    ];
    const server = await startFakeOpenAIServer({ reply: (_b, ctx) => replies[ctx.routeIndex]! });
    const sleeps: number[] = [];
    try {
      const model = await resolveChatModel(`http-bot:${server.origin}/bot/x`, {
        retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0 },
      });
      assert.equal((await model.complete(ask)).content, "fine");
      await assert.rejects(model.complete(ask), /request rejected: 400/);
      assert.deepEqual([server.requests.length, sleeps.length], [4, 2]);
    } finally {
      await server.close();
    }
  });

  it("resolves the baseline as a baseline, free and priced", async () => {
    const model = await resolveChatModel("baseline");
    assert.equal(model.isBaseline, true);
    assert.equal(model.priceKnown, true);
    assert.equal(model.id, "baseline");
  });
});
