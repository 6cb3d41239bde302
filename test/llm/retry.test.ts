import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createOpenAICompatibleChatModel } from "../../src/llm/providers/openai-compatible.js";
import { ModelCallError, parseRetryAfter } from "../../src/llm/model-call-error.js";
import { backoffDelay, withRetry, type RetryOptions } from "../../src/llm/retry.js";
import { resolveChatModel } from "../../src/llm/resolve-model.js";
import { startFakeOpenAIServer, type Fault } from "../fixtures/fake-openai-server.js";
import { closedPort } from "./closed-port.js";

const ask = { messages: [{ role: "user" as const, content: "hello" }], sampleKey: "s" };

/** Records the waits instead of waiting. */
function fakeSleep(): { sleeps: number[]; options: RetryOptions } {
  const sleeps: number[] = [];
  return { sleeps, options: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 } };
}

/** A server that injects `faults` in order, then answers. */
async function flaky(faults: Fault[], timeoutMs = 10_000) {
  const server = await startFakeOpenAIServer({
    reply: (body, ctx) => faults[ctx.routeIndex] ?? `ok after ${ctx.routeIndex}`,
  });
  const model = createOpenAICompatibleChatModel({
    id: "m",
    model: "m",
    baseUrls: [server.url],
    apiKey: "k",
    timeoutMs,
  });
  return { server, model };
}

describe("retry middleware", () => {
  it("honours Retry-After: waits exactly the seconds the server asked for", async () => {
    const { server, model } = await flaky([
      { fault: "rate-limit", retryAfterSeconds: 7 },
      { fault: "rate-limit", retryAfterSeconds: 2 },
    ]);
    const { sleeps, options } = fakeSleep();
    try {
      const reply = await withRetry(model, options).complete(ask);
      assert.equal(reply.content, "ok after 2");
      assert.deepEqual(sleeps, [7000, 2000]);
      assert.equal(server.requests.length, 3);
    } finally {
      await server.close();
    }
  });

  for (const fault of [
    { fault: "server-error" },
    { fault: "unavailable" },
    { fault: "connection-reset" },
    { fault: "truncated-json" },
    { fault: "hang" },
  ] as Fault[]) {
    it(`retries ${fault.fault} with full-jitter backoff and then succeeds`, async () => {
      const { server, model } = await flaky([fault, fault], fault.fault === "hang" ? 200 : 10_000);
      const { sleeps, options } = fakeSleep();
      try {
        const reply = await withRetry(model, options).complete(ask);
        assert.equal(reply.content, "ok after 2");
        // random() = 0.5: half of 500·2^0 and of 500·2^1
        assert.deepEqual(sleeps, [250, 500]);
        assert.equal(server.requests.length, 3);
      } finally {
        await server.close();
      }
    });
  }

  for (const [fault, code] of [
    [{ fault: "bad-key" }, "MODEL_CALL_FAILED"],
    [{ fault: "bad-request" }, "MODEL_CALL_FAILED"],
    [{ fault: "quota" }, "QUOTA_EXHAUSTED"],
  ] as [Fault, string][]) {
    it(`does not retry ${fault.fault}`, async () => {
      const { server, model } = await flaky([fault, fault]);
      const { sleeps, options } = fakeSleep();
      try {
        await assert.rejects(
          withRetry(model, options).complete(ask),
          (e: unknown) => e instanceof ModelCallError && e.code === code,
        );
        assert.deepEqual(sleeps, []);
        assert.equal(server.requests.length, 1);
      } finally {
        await server.close();
      }
    });
  }

  it("gives up after max attempts with one line naming the URL", async () => {
    const { server, model } = await flaky(Array(10).fill({ fault: "unavailable" }));
    const { sleeps, options } = fakeSleep();
    try {
      const error = await withRetry(model, { ...options, maxAttempts: 3 })
        .complete(ask)
        .catch((e: unknown) => e);
      assert.ok(error instanceof ModelCallError);
      assert.equal(
        error.message,
        `m at ${server.url}: server error: 503 The server is overloaded or not ready yet. (gave up after 3 attempts)`,
      );
      assert.equal(server.requests.length, 3);
      assert.equal(sleeps.length, 2);
    } finally {
      await server.close();
    }
  });

  it("computes full-jitter delays: uniform below min(max, base·2^(n−1)), Retry-After capped", () => {
    const error = new ModelCallError("server", "x", { url: "u" });
    const at = (attempt: number, random: number) =>
      backoffDelay(attempt, error, { random: () => random, baseDelayMs: 500, maxDelayMs: 30_000 });
    // by hand: ceilings 500, 1000, 2000, 4000, … capped at 30 000
    assert.deepEqual(
      [at(1, 0.999), at(2, 0.5), at(3, 0.25), at(7, 0.5), at(20, 0.5)],
      [499, 500, 500, 15_000, 15_000],
    );
    const limited = new ModelCallError("rate-limit", "x", { url: "u", retryAfterMs: 600_000 });
    assert.equal(backoffDelay(1, limited, { maxRetryAfterMs: 120_000 }), 120_000);
  });

  it("reports an unreachable endpoint as MODEL_CALL_FAILED naming the URL after a few quick retries", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const { sleeps, options } = fakeSleep();
    const model = await resolveChatModel(`openai-compatible:qwen@${url}`, { retry: options });
    const error = await model.complete(ask).catch((e: unknown) => e);
    assert.ok(error instanceof ModelCallError);
    assert.equal(error.code, "MODEL_CALL_FAILED");
    assert.equal(
      error.message,
      `openai-compatible:qwen@${url} at ${url}: cannot connect (ECONNREFUSED); is the server running at this address? (gave up after 3 attempts)`,
    );
    assert.equal(sleeps.length, 2);
  });

  it("reads Retry-After as seconds, as an HTTP date, or OpenAI's retry-after-ms", () => {
    const h = (entries: Record<string, string>) => new Headers(entries);
    const now = Date.parse("2024-05-01T12:00:00Z");
    assert.deepEqual(
      [
        parseRetryAfter(h({ "retry-after": "3" }), now),
        parseRetryAfter(h({ "retry-after": "0.5" }), now),
        parseRetryAfter(h({ "retry-after": "Wed, 01 May 2024 12:00:30 GMT" }), now),
        parseRetryAfter(h({ "retry-after": "Wed, 01 May 2024 11:00:00 GMT" }), now),
        parseRetryAfter(h({ "retry-after-ms": "1500", "retry-after": "9" }), now),
        parseRetryAfter(h({ "retry-after": "soon" }), now),
        parseRetryAfter(h({}), now),
      ],
      [3000, 500, 30_000, 0, 1500, undefined, undefined],
    );
  });
});
