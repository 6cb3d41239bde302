import { describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { RateLimiters, withRateLimit } from "../../src/llm/rate-limit.js";
import { resolveChatModel } from "../../src/llm/resolve-model.js";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";
import { emptyUsage } from "../../src/core/usage.js";

const ask = (i: number) => ({
  messages: [{ role: "user" as const, content: `q${i}` }],
  sampleKey: `s${i}`,
});

describe("rate limit", () => {
  it("never has more than max_concurrency calls in flight, across every user of the model", async () => {
    // A gate instead of a latency: the server holds every request until the test opens it,
    // so the first three are in flight together however slow the machine is.
    let arrived = 0;
    let threeArrived!: () => void;
    const three = new Promise<void>((resolve) => (threeArrived = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const server = await startFakeOpenAIServer({
      reply: async () => {
        if (++arrived === 3) threeArrived();
        await gate;
        return "ok";
      },
    });
    try {
      const config = {
        models: {
          qwen: {
            provider: "openai-compatible" as const,
            model: "qwen",
            base_url: server.url,
            max_concurrency: 3,
          },
        },
      };
      const limiters = new RateLimiters();
      // Two agents resolving the same model share one queue.
      const client = await resolveChatModel("qwen", { config, limiters });
      const counselor = await resolveChatModel("qwen", { config, limiters });
      const calls = Promise.all(
        Array.from({ length: 16 }, (_, i) => (i % 2 ? client : counselor).complete(ask(i))),
      );
      await three;
      // A leaking limiter would send more while the three are held; give it the chance.
      // (On a slow machine this can only miss a leak, never fail a correct limiter.)
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(arrived, 3);
      open();
      const replies = await calls;
      assert.equal(replies.length, 16);
      assert.equal(server.requests.length, 16);
      assert.equal(server.maxInFlight, 3);
    } finally {
      await server.close();
    }
  });

  it("serves waiting calls in order, and a call aborted while waiting leaves its slot to the next", async () => {
    const order: string[] = [];
    const gates = new Map<string, () => void>();
    const inner = {
      id: "m",
      complete: (request: { sampleKey: string }) =>
        new Promise<{ content: string; usage: ReturnType<typeof emptyUsage> }>((resolve) => {
          order.push(request.sampleKey);
          gates.set(request.sampleKey, () => resolve({ content: "", usage: emptyUsage() }));
        }),
    };
    const model = withRateLimit(inner, { maxConcurrency: 1 }, { limiters: new RateLimiters() });
    const first = model.complete(ask(1));
    const abort = new AbortController();
    const second = model.complete({ ...ask(2), signal: abort.signal });
    const third = model.complete(ask(3));
    abort.abort(new Error("stopped"));
    await assert.rejects(second, /stopped/);
    gates.get("s1")!();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ["s1", "s3"]);
    gates.get("s3")!();
    await third;
    // The slot is free again.
    const fourth = model.complete(ask(4));
    await new Promise((resolve) => setImmediate(resolve));
    gates.get("s4")!();
    await fourth;
    assert.deepEqual(order, ["s1", "s3", "s4"]);
  });

  it("uses the whole concurrency when nothing limits it", async () => {
    // A barrier instead of a latency: every request waits until all six have arrived (or 5 s
    // passed), so the assertion does not depend on how fast a loaded machine sends them.
    let arrived = 0;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    const server = await startFakeOpenAIServer({
      reply: async () => {
        if (++arrived === 6) release();
        await Promise.race([
          allArrived,
          new Promise((resolve) => setTimeout(resolve, 5000).unref()),
        ]);
        return "ok";
      },
    });
    try {
      const model = await resolveChatModel(`openai-compatible:m@${server.url}`, {
        limiters: new RateLimiters(),
      });
      await Promise.all(Array.from({ length: 6 }, (_, i) => model.complete(ask(i))));
      assert.equal(server.maxInFlight, 6);
    } finally {
      await server.close();
    }
  });

  it("starts at most requests_per_minute calls in any rolling minute", async (t) => {
    mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
    t.after(() => mock.timers.reset());
    const scripted = new ScriptedChatModel((request) => `answer ${request.sampleKey}`);
    const model = withRateLimit(
      scripted,
      { requestsPerMinute: 2 },
      { limiters: new RateLimiters() },
    );
    const settled: string[] = [];
    const calls = [0, 1, 2, 3].map((i) =>
      model.complete(ask(i)).then((r) => settled.push(r.content)),
    );
    const flush = async () => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    };
    await flush();
    assert.equal(scripted.calls.length, 2);
    mock.timers.tick(59_000);
    await flush();
    assert.equal(scripted.calls.length, 2);
    mock.timers.tick(1_001);
    await flush();
    assert.equal(scripted.calls.length, 4);
    await Promise.all(calls);
    assert.deepEqual(settled, ["answer s0", "answer s1", "answer s2", "answer s3"]);
  });

  it("rejects a limit below 1 with the option's name", () => {
    assert.throws(
      () =>
        withRateLimit(
          new ScriptedChatModel([]),
          { maxConcurrency: 0 },
          { limiters: new RateLimiters() },
        ),
      /max_concurrency expects a whole number from 1 up, got 0/,
    );
  });
});
