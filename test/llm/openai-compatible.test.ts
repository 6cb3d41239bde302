import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createOpenAICompatibleChatModel } from "../../src/llm/providers/openai-compatible.js";
import { ModelCallError } from "../../src/llm/model-call-error.js";
import { closedPort } from "./closed-port.js";
import {
  startFakeOpenAIServer,
  type Fault,
  type FakeOpenAIServer,
} from "../fixtures/fake-openai-server.js";

const ask = (content: string, sampleKey = "d1/turn-1") => ({
  messages: [{ role: "user" as const, content }],
  sampleKey,
});

describe("openai-compatible provider", () => {
  let server: FakeOpenAIServer;
  before(async () => {
    server = await startFakeOpenAIServer({ apiKey: "sk-vllm" });
  });
  after(() => server.close());

  it("sends the model, sampling params and JSON schema, and returns content, usage and finish reason", async () => {
    const model = createOpenAICompatibleChatModel({
      id: "vllm-qwen",
      model: "Qwen2-7B-Instruct",
      baseUrls: [server.url],
      apiKey: "sk-vllm",
      sampling: { temperature: 0.7, top_p: 0.8, max_tokens: 500 },
    });
    const schema = {
      type: "object",
      properties: { winner: { type: "string" } },
      required: ["winner"],
    };
    const reply = await model.complete({
      ...ask("你好"),
      params: { temperature: 0, seed: 7 },
      jsonSchema: { name: "verdict", schema },
    });
    // prompt "你好" = 2 chars -> 1 token; "echo: 你好" = 8 chars -> 4 tokens
    assert.deepEqual(reply, {
      content: "echo: 你好",
      usage: { prompt_tokens: 1, completion_tokens: 4, calls: 1, cached_calls: 0, cost_usd: 0 },
      finishReason: "stop",
    });
    assert.deepEqual(server.requests.at(-1)?.body, {
      model: "Qwen2-7B-Instruct",
      messages: [{ role: "user", content: "你好" }],
      temperature: 0,
      top_p: 0.8,
      max_tokens: 500,
      seed: 7,
      response_format: { type: "json_schema", json_schema: { name: "verdict", schema } },
    });
    assert.equal(server.requests.at(-1)?.headers.authorization, "Bearer sk-vllm");
  });

  it("assembles a streamed reply with the same content and usage as a plain one", async () => {
    const plain = createOpenAICompatibleChatModel({
      id: "p",
      model: "m",
      baseUrls: [server.url],
      apiKey: "sk-vllm",
    });
    const streamed = createOpenAICompatibleChatModel({
      id: "s",
      model: "m",
      baseUrls: [server.url],
      apiKey: "sk-vllm",
      stream: true,
    });
    const text = "I have been feeling anxious about my exams lately.";
    const a = await plain.complete(ask(text));
    const b = await streamed.complete(ask(text));
    assert.deepEqual(b, a);
    const body = server.requests.at(-1)?.body as { stream?: boolean; stream_options?: unknown };
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });
});

describe("openai-compatible provider failures", () => {
  const cases: {
    fault: Fault;
    kind: string;
    code: string;
    status?: number;
    retryAfterMs?: number;
    stream?: boolean;
  }[] = [
    {
      fault: { fault: "rate-limit", retryAfterSeconds: 7 },
      kind: "rate-limit",
      code: "MODEL_CALL_FAILED",
      status: 429,
      retryAfterMs: 7000,
    },
    { fault: { fault: "quota" }, kind: "quota", code: "QUOTA_EXHAUSTED", status: 429 },
    { fault: { fault: "server-error" }, kind: "server", code: "MODEL_CALL_FAILED", status: 500 },
    { fault: { fault: "unavailable" }, kind: "server", code: "MODEL_CALL_FAILED", status: 503 },
    { fault: { fault: "bad-key" }, kind: "auth", code: "MODEL_CALL_FAILED", status: 401 },
    {
      fault: { fault: "bad-request" },
      kind: "bad-request",
      code: "MODEL_CALL_FAILED",
      status: 400,
    },
    { fault: { fault: "hang" }, kind: "timeout", code: "MODEL_CALL_FAILED" },
    { fault: { fault: "truncated-json" }, kind: "malformed", code: "MODEL_CALL_FAILED" },
    { fault: { fault: "connection-reset" }, kind: "connection", code: "MODEL_CALL_FAILED" },
  ];
  for (const c of cases) {
    it(`classifies ${c.fault.fault} as ${c.kind} (${c.kind === "quota" || c.kind === "auth" || c.kind === "bad-request" ? "not " : ""}retryable)`, async () => {
      const server = await startFakeOpenAIServer({ reply: () => c.fault });
      try {
        const model = createOpenAICompatibleChatModel({
          id: "m",
          model: "m",
          baseUrls: [server.url],
          apiKey: "k",
          keyEnv: "VLLM_API_KEY",
          timeoutMs: c.kind === "timeout" ? 200 : 10_000,
        });
        const error = await model.complete(ask("x")).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof ModelCallError, String(error));
        assert.deepEqual(
          {
            kind: error.kind,
            code: error.code,
            status: error.status,
            retryAfterMs: error.retryAfterMs,
            url: error.url,
            retryable: error.isRetryable,
          },
          {
            kind: c.kind,
            code: c.code,
            status: c.status,
            retryAfterMs: c.retryAfterMs,
            url: server.url,
            retryable: ["rate-limit", "server", "timeout", "malformed", "connection"].includes(
              c.kind,
            ),
          },
        );
        assert.ok(!error.message.includes("\n"));
        assert.ok(error.message.startsWith(`m at ${server.url}: `), error.message);
        if (c.kind === "auth") assert.match(error.message, /set VLLM_API_KEY to a valid key/);
      } finally {
        await server.close();
      }
    });
  }

  it("treats a stream cut off mid-way as a retryable failure, never as a short reply", async () => {
    const server = await startFakeOpenAIServer({ reply: () => ({ fault: "truncated-json" }) });
    try {
      const model = createOpenAICompatibleChatModel({
        id: "m",
        model: "m",
        baseUrls: [server.url],
        apiKey: "k",
        stream: true,
      });
      const error = await model.complete(ask("x")).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(
        error instanceof ModelCallError &&
          error.isRetryable &&
          ["malformed", "connection"].includes(error.kind),
        String(error),
      );
    } finally {
      await server.close();
    }
  });
});

describe("replicas", () => {
  it("spreads calls over several base URLs round-robin", async () => {
    const [a, b] = await Promise.all([startFakeOpenAIServer(), startFakeOpenAIServer()]);
    try {
      const model = createOpenAICompatibleChatModel({
        id: "fleet",
        model: "m",
        baseUrls: [a!.url, b!.url],
        apiKey: "k",
        balance: "round-robin",
      });
      for (let i = 0; i < 6; i++) await model.complete(ask(`q${i}`));
      assert.deepEqual([a!.requests.length, b!.requests.length], [3, 3]);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it("sends concurrent calls to the replica with the fewest in flight", async () => {
    const [a, b] = await Promise.all([
      startFakeOpenAIServer({ holdUntilInFlight: 4 }),
      startFakeOpenAIServer({ holdUntilInFlight: 4 }),
    ]);
    try {
      const model = createOpenAICompatibleChatModel({
        id: "fleet",
        model: "m",
        baseUrls: [a!.url, b!.url],
        apiKey: "k",
      });
      await Promise.all(Array.from({ length: 8 }, (_, i) => model.complete(ask(`q${i}`))));
      assert.deepEqual(
        [a!.requests.length, b!.requests.length, a!.maxInFlight, b!.maxInFlight],
        [4, 4, 4, 4],
      );
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it("retries a call on another replica when one is dead, and then avoids the dead one", async () => {
    const live = await startFakeOpenAIServer();
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    try {
      const model = createOpenAICompatibleChatModel({
        id: "fleet",
        model: "m",
        baseUrls: [dead, live.url],
        apiKey: "k",
        balance: "round-robin",
      });
      const replies = [];
      for (let i = 0; i < 4; i++) replies.push((await model.complete(ask(`q${i}`))).content);
      assert.deepEqual(replies, ["echo: q0", "echo: q1", "echo: q2", "echo: q3"]);
      assert.equal(live.requests.length, 4);
    } finally {
      await live.close();
    }
  });
});
