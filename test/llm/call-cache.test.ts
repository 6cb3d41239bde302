import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import {
  CallCache,
  callCacheKey,
  openConfiguredCache,
  withCallCache,
} from "../../src/llm/call-cache.js";
import { emptyUsage } from "../../src/core/usage.js";
import { SeededRandom } from "../../src/core/random.js";
import { PsysimError } from "../../src/core/errors.js";
import { resolveChatModel } from "../../src/llm/resolve-model.js";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { tempDir } from "../helpers.js";

const ask = (content: string, sampleKey: string) => ({
  messages: [{ role: "user" as const, content }],
  sampleKey,
});

describe("call cache", () => {
  it("replays a second identical run from the file with zero HTTP requests and no cost", async () => {
    let n = 0;
    const server = await startFakeOpenAIServer({ reply: () => `sample ${++n}` });
    const path = join(tempDir(), "cache.sqlite");
    const config = {
      models: {
        gpt: {
          provider: "openai-compatible" as const,
          model: "m",
          base_url: server.url,
          price: { prompt_per_million: 1, completion_per_million: 2 },
        },
      },
    };
    const run = async () => {
      const cache = CallCache.open(path);
      try {
        const model = await resolveChatModel("gpt", { config, cache });
        return await Promise.all([
          model.complete(ask("hi", "d1/t1")),
          model.complete(ask("hi", "d2/t1")),
          model.complete(ask("bye", "d1/t3")),
        ]);
      } finally {
        cache.close();
      }
    };
    try {
      const first = await run();
      assert.equal(server.requests.length, 3);
      const second = await run();
      assert.equal(server.requests.length, 3, "the second run made HTTP requests");
      assert.deepEqual(
        second.map((r) => r.content),
        first.map((r) => r.content),
      );
      // Same prompt, different sample keys: two different samples.
      assert.notEqual(first[0]!.content, first[1]!.content);
      assert.deepEqual(second[0]!.usage, { ...first[0]!.usage, cached_calls: 1, cost_usd: 0 });
      assert.ok(first[0]!.usage.cost_usd > 0);
    } finally {
      await server.close();
    }
  });

  it("keys on sampling params and the JSON schema, not only on messages", async () => {
    const server = await startFakeOpenAIServer();
    const cache = CallCache.open(":memory:");
    try {
      const model = await resolveChatModel(`openai-compatible:m@${server.url}`, {
        cache,
        sampling: { temperature: 0.7 },
      });
      await model.complete(ask("hi", "k"));
      await model.complete(ask("hi", "k"));
      assert.equal(server.requests.length, 1);
      await model.complete({ ...ask("hi", "k"), params: { temperature: 0 } });
      await model.complete({
        ...ask("hi", "k"),
        jsonSchema: { name: "x", schema: { type: "object" } },
      });
      assert.equal(server.requests.length, 3);
      // The same effective params spelled out by the request are the same sample.
      await model.complete({ ...ask("hi", "k"), params: { temperature: 0.7 } });
      assert.equal(server.requests.length, 3);
      const other = await resolveChatModel(`openai-compatible:m@${server.url}`, {
        cache,
        sampling: { temperature: 1 },
      });
      await other.complete(ask("hi", "k"));
      assert.equal(server.requests.length, 4);
    } finally {
      cache.close();
      await server.close();
    }
  });

  it("shares one real call between identical calls in flight at once", async () => {
    const server = await startFakeOpenAIServer({ latencyMs: 30 });
    const cache = CallCache.open(":memory:");
    try {
      const model = await resolveChatModel(`openai-compatible:m@${server.url}`, { cache });
      const replies = await Promise.all([
        model.complete(ask("hi", "k")),
        model.complete(ask("hi", "k")),
      ]);
      assert.equal(server.requests.length, 1);
      assert.deepEqual(
        replies.map((r) => [r.content, r.usage.cached_calls]),
        [
          ["echo: hi", 0],
          ["echo: hi", 1],
        ],
      );
    } finally {
      cache.close();
      await server.close();
    }
  });

  it("keeps every answer stored before the process was killed, committed at the end of its event-loop turn", async () => {
    const path = join(tempDir(), "cache.sqlite");
    const script = [
      `import { CallCache } from ${JSON.stringify(join(process.cwd(), "src/llm/call-cache.ts"))};`,
      `const cache = CallCache.open(${JSON.stringify(path)});`,
      `cache.put("k1", { model: "m", sampleKey: "s1" }, { content: "paid for", promptTokens: 3, completionTokens: 4, finishReason: "stop" });`,
      // Answers are committed at the end of the event-loop turn they arrived in.
      `setImmediate(() => process.stdout.write("stored\\n"));`,
      `setInterval(() => {}, 1000);`,
    ].join("\n");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (data: Buffer) => data.toString().includes("stored") && resolve());
      child.on("exit", (code) => reject(new Error(`child exited early with ${code}`)));
    });
    child.removeAllListeners("exit");
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    const cache = CallCache.open(path);
    try {
      assert.deepEqual(cache.get("k1"), {
        content: "paid for",
        promptTokens: 3,
        completionTokens: 4,
        finishReason: "stop",
      });
    } finally {
      cache.close();
    }
  });

  it("commits the answers of one event-loop turn together, and answers from them before the commit", async () => {
    const path = join(tempDir(), "cache.sqlite");
    const cache = CallCache.open(path);
    const reader = new Database(path, { readonly: true });
    try {
      const call = { content: "a", promptTokens: 1, completionTokens: 2, finishReason: "stop" };
      cache.put("k1", { model: "m", sampleKey: "s1" }, call);
      cache.put("k2", { model: "m", sampleKey: "s2" }, { ...call, content: "b" });
      const count = () =>
        (reader.prepare("SELECT count(*) AS n FROM calls").get() as { n: number }).n;
      assert.equal(count(), 0);
      assert.deepEqual(cache.get("k2"), { ...call, content: "b" });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(count(), 2);
      assert.deepEqual(cache.get("k1"), call);
    } finally {
      reader.close();
      cache.close();
    }
  });

  it("stops later calls with one line when a commit fails, keeping the answers for a retry", async () => {
    const path = join(tempDir(), "cache.sqlite");
    const cache = CallCache.open(path);
    const saboteur = new Database(path);
    const call = { content: "a", promptTokens: 1, completionTokens: 2 };
    try {
      // A real SQLite failure under the cache: the table it writes to is gone.
      saboteur.exec("ALTER TABLE calls RENAME TO gone");
      cache.put("k1", { model: "m", sampleKey: "s1" }, call);
      await new Promise((resolve) => setImmediate(resolve));
      assert.throws(
        () => cache.put("k2", { model: "m", sampleKey: "s2" }, call),
        (e: unknown) =>
          e instanceof PsysimError &&
          e.code === "OUTPUT_UNWRITABLE" &&
          e.message.startsWith(`cannot write the call cache ${path}: `) &&
          !e.message.includes("\n"),
      );
      saboteur.exec("ALTER TABLE gone RENAME TO calls");
      cache.flush();
      assert.equal(cache.size(), 2);
    } finally {
      saboteur.close();
      cache.close();
    }
  });

  it("upgrades a cache written by the first schema, replaying its rows, and keeps dropped turns", () => {
    const path = join(tempDir(), "cache.sqlite");
    const old = new Database(path);
    old.exec(`CREATE TABLE calls (key TEXT PRIMARY KEY, model TEXT NOT NULL, sample_key TEXT NOT NULL,
      content TEXT NOT NULL, finish_reason TEXT, prompt_tokens INTEGER NOT NULL,
      completion_tokens INTEGER NOT NULL, created_at TEXT NOT NULL)`);
    old.exec(
      `INSERT INTO calls VALUES ('k0', 'm', 's0', 'old answer', 'stop', 5, 6, '2026-01-01')`,
    );
    old.pragma("user_version = 1");
    old.close();
    const cache = CallCache.open(path);
    try {
      assert.deepEqual(cache.get("k0"), {
        content: "old answer",
        promptTokens: 5,
        completionTokens: 6,
        finishReason: "stop",
      });
      const call = { content: "short", promptTokens: 9, completionTokens: 2, droppedTurns: 8 };
      cache.put("k1", { model: "m", sampleKey: "s1" }, call);
      cache.flush();
      assert.deepEqual(cache.get("k1"), call);
    } finally {
      cache.close();
    }
  });

  it("records its schema version and refuses a file from a newer psysim", () => {
    const path = join(tempDir(), "cache.sqlite");
    CallCache.open(path).close();
    const db = new Database(path);
    assert.equal(db.pragma("user_version", { simple: true }), 3);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    db.pragma("user_version = 9");
    db.close();
    assert.throws(() => CallCache.open(path), /was written by a newer psysim \(cache schema 9\)/);
  });

  it("derives the key from canonical JSON, so key order does not matter", () => {
    const a = callCacheKey({
      model: "m",
      params: { temperature: 1, top_p: 0.5 },
      messages: [{ role: "user", content: "x" }],
      jsonSchema: null,
      sampleKey: "s",
    });
    const b = callCacheKey({
      sampleKey: "s",
      jsonSchema: null,
      messages: [{ content: "x", role: "user" }],
      params: { top_p: 0.5, temperature: 1 },
      model: "m",
    });
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
  });

  it("keys a call exactly as callCacheKey does, and as psysim always has (the key is pinned)", async () => {
    const parts = {
      model: "openai-compatible:qwen@http://127.0.0.1:8000/v1",
      params: { temperature: 0.7, seed: 42 },
      messages: [
        { role: "system" as const, content: '你是咨询师。\n"引号"' },
        { role: "user" as const, content: "I can't sleep \u2028 😀" },
      ],
      jsonSchema: { name: "s", schema: { type: "object", b: 1, a: [2] } },
      sampleKey: "c1/turn-1/counselor/attempt-1",
    };
    // Computed by psysim before the call path wrote keys without the generic canonicalJson.
    const pinned = "40442cd069bac6561c0517beb7cd4468102c514fc7a985755e343ca8db846201";
    assert.equal(callCacheKey(parts), pinned);
    const cache = CallCache.open(":memory:");
    const model = withCallCache(
      { id: "inner", complete: async () => ({ content: "a", usage: emptyUsage() }) },
      cache,
      { identity: parts.model, sampling: { temperature: 0.7 } },
    );
    await model.complete({
      // Extra message fields are not part of the key.
      messages: parts.messages.map((m) => ({ ...m, extra: 1 })),
      params: { seed: 42 },
      jsonSchema: parts.jsonSchema,
      sampleKey: parts.sampleKey,
    });
    assert.equal(cache.get(pinned)?.content, "a");
    // Seeded random requests: the stored key is always callCacheKey of the request's parts.
    const random = new SeededRandom(3);
    const pieces = ["a", "你", "\n", '"', "\\", "\u0000", "\ud800", "😀", "\u2028", " "];
    const text = () =>
      Array.from({ length: random.int(12) }, () => pieces[random.int(pieces.length)]).join("");
    for (let i = 0; i < 200; i++) {
      const request = {
        messages: Array.from({ length: 1 + random.int(5) }, (_, k) => ({
          role: (["system", "user", "assistant"] as const)[k % 3]!,
          content: text(),
        })),
        sampleKey: text(),
        ...(random.next() < 0.5 ? { params: { seed: random.int(100), top_p: 0.9 } } : {}),
      };
      await model.complete(request);
      const key = callCacheKey({
        model: parts.model,
        params: { temperature: 0.7, ...request.params },
        messages: request.messages,
        jsonSchema: null,
        sampleKey: request.sampleKey,
      });
      assert.ok(cache.get(key), `request ${i} stored under callCacheKey`);
    }
    cache.close();
  });

  it("opens the configured cache relative to the config file, or none when disabled", () => {
    const dir = tempDir();
    const cache = openConfiguredCache({ cache: { path: "runs/cache.sqlite" }, source: { dir } });
    assert.equal(cache?.path, join(dir, "runs/cache.sqlite"));
    cache?.close();
    assert.ok(existsSync(join(dir, "runs/cache.sqlite")));
    assert.equal(openConfiguredCache({ cache: { enabled: false } }), null);
    const flagged = openConfiguredCache(
      { cache: { enabled: false } },
      { enabled: true, path: join(dir, "flag.sqlite") },
    );
    assert.equal(flagged?.path, join(dir, "flag.sqlite"));
    flagged?.close();
  });
});
