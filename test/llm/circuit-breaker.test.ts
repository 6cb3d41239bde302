import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readDialogues } from "../../src/core/index.js";
import { CircuitBreakers } from "../../src/llm/circuit-breaker.js";
import { resolveChatModel } from "../../src/llm/resolve-model.js";
import { simulate } from "../../src/simulation/simulate.js";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { counselingReplies } from "../fixtures/counseling-replies.js";
import { tempDir } from "../helpers.js";
import { card } from "../simulation/fixtures.js";

describe("Circuit breaker: a dead endpoint stops the run with one line", () => {
  let server: FakeOpenAIServer;
  /** Chat requests after which the fake server answers 503 to everything. */
  let downAfter = Number.POSITIVE_INFINITY;
  before(async () => {
    const replies = counselingReplies({ sessionTurns: 2 });
    server = await startFakeOpenAIServer({
      reply: (body, ctx) =>
        ctx.routeIndex >= downAfter ? { fault: "unavailable" } : replies(body, ctx),
    });
  });
  after(() => server.close());

  const chats = () => server.requests.filter((r) => r.path === "/v1/chat/completions").length;

  /** One run's models, as a command gets them: fresh breakers, retries without waiting. */
  async function models(limit: number) {
    const breakers = new CircuitBreakers();
    const config = {
      models: {
        fake: {
          provider: "openai-compatible" as const,
          model: "fake",
          base_url: server.url,
          max_attempts: 2,
          max_consecutive_failures: limit,
        },
      },
    };
    const options = { config, breakers, retry: { sleep: async () => {} } };
    return {
      client: await resolveChatModel("fake", options),
      counselor: await resolveChatModel("fake", options),
    };
  }

  it("stops after N failed calls in a row across sessions, keeps finished dialogues, and a rerun resumes", async () => {
    const dir = tempDir();
    const out = join(dir, "dialogues.jsonl");
    const cards = Array.from({ length: 12 }, (_, k) => card(`c${k}`, k % 2 ? "en" : "zh"));
    // A session takes 3 chat calls (counselor, client, the counselor's goodbye); the server dies
    // after 4 sessions' worth. Sessions c4 and c5 then fail one call each, c6's failure trips it.
    downAfter = chats() + 12;
    const failingFrom = chats() + 12;
    await assert.rejects(
      simulate({ cards, out, concurrency: 1, maxTurns: 4 }, await models(3)),
      (error: unknown) => {
        const e = error as { code: string; message: string };
        assert.equal(e.code, "CIRCUIT_OPEN");
        assert.match(
          e.message,
          /^circuit breaker: model "fake": 3 calls in a row failed at the endpoint \(last: .*503.*\); finished work is saved: fix the server, then rerun the same command to resume/,
        );
        return true;
      },
    );
    // 3 failed calls of 2 attempts each reached the server; then nothing more was asked.
    assert.equal(chats() - failingFrom, 3 * 2);
    const finished = await readDialogues(out);
    assert.deepEqual(
      finished.map((d) => d.id),
      ["c0", "c1", "c2", "c3"],
    );

    downAfter = Number.POSITIVE_INFINITY;
    const summary = await simulate({ cards, out, concurrency: 3, maxTurns: 4 }, await models(3));
    assert.deepEqual([summary.skipped, summary.completed, summary.failed], [4, 8, []]);
    assert.equal((await readDialogues(out)).length, 12);
  });

  it("a success in between resets the count, so scattered failures never trip it", async () => {
    const dir = tempDir();
    const out = join(dir, "dialogues.jsonl");
    const start = chats();
    // Every third request fails for good (both attempts land on a 503): never three in a row.
    const replies = counselingReplies({ sessionTurns: 2 });
    server.setReply((body, ctx) =>
      (ctx.routeIndex - start) % 6 < 2 ? { fault: "unavailable" } : replies(body, ctx),
    );
    try {
      const summary = await simulate(
        { cards: [card("a"), card("b", "en"), card("c")], out, concurrency: 1, maxTurns: 4 },
        await models(2),
      );
      assert.equal(summary.completed + summary.failed.length, 3);
      assert.ok(summary.failed.length > 0, "some sessions failed on their own");
    } finally {
      server.setReply((body, ctx) =>
        ctx.routeIndex >= downAfter ? { fault: "unavailable" } : replies(body, ctx),
      );
    }
  });
});
