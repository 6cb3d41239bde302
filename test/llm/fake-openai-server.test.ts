import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  fakeEmbedding,
  startFakeOpenAIServer,
  type Fault,
  type FakeOpenAIServer,
} from "../fixtures/fake-openai-server.js";

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("fake OpenAI-compatible server", () => {
  let server: FakeOpenAIServer;
  let client: OpenAI;
  before(async () => {
    server = await startFakeOpenAIServer({
      apiKey: "sk-test",
      embeddingDimension: 16,
      models: ["m1", "m2"],
    });
    client = new OpenAI({ baseURL: server.url, apiKey: "sk-test", maxRetries: 0, timeout: 2000 });
  });
  after(() => server.close());

  it("answers a chat completion through the official SDK with usage", async () => {
    const completion = await client.chat.completions.create({
      model: "m1",
      messages: [{ role: "user", content: "hello" }],
    });
    assert.equal(completion.choices[0]?.message.content, "echo: hello");
    assert.equal(completion.choices[0]?.finish_reason, "stop");
    // prompt "hello" = 5 chars -> 3 tokens; reply "echo: hello" = 11 chars -> 6 tokens
    assert.deepEqual(completion.usage, { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 });
    assert.deepEqual(server.requests.at(-1)?.body, {
      model: "m1",
      messages: [{ role: "user", content: "hello" }],
    });
  });

  it("streams server-sent chunks ending in [DONE], with usage when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "m1",
      messages: [{ role: "user", content: "streaming works" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let usage;
    let finish;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
      finish ??= chunk.choices[0]?.finish_reason ?? undefined;
      usage ??= chunk.usage ?? undefined;
    }
    assert.equal(text, "echo: streaming works");
    assert.ok(chunks > 3, `expected several chunks, got ${chunks}`);
    assert.equal(finish, "stop");
    assert.deepEqual(usage, { prompt_tokens: 8, completion_tokens: 11, total_tokens: 19 });
  });

  it("embeds a batch deterministically, in base64 as the SDK asks and as plain floats", async () => {
    const result = await client.embeddings.create({
      model: "BAAI/bge-m3",
      input: ["我很焦虑", "我很焦虑", "the cat sat"],
    });
    assert.equal(result.data.length, 3);
    const vectors = result.data.map((d) => d.embedding);
    assert.equal(vectors[0]!.length, 16);
    assert.deepEqual(vectors[0], vectors[1]);
    const expected = fakeEmbedding("我很焦虑", 16);
    vectors[0]!.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6));
    const plain = await client.embeddings.create({
      model: "x",
      input: "the cat sat",
      encoding_format: "float",
    });
    plain.data[0]!.embedding.forEach((v, i) => assert.ok(Math.abs(v - vectors[2]![i]!) < 1e-6));
    assert.ok(Math.abs(cosine(vectors[0]!, vectors[0]!) - 1) < 1e-6);
  });

  it("gives texts sharing words a higher cosine than unrelated texts", () => {
    const a = fakeEmbedding("I feel anxious about my exams and my parents", 64);
    const b = fakeEmbedding("anxious about exams, parents pressure me", 64);
    const c = fakeEmbedding("the weather in the mountains was sunny", 64);
    assert.ok(cosine(a, b) > cosine(a, c));
  });

  it("lists models and rejects a missing or wrong key with 401", async () => {
    const models = await client.models.list();
    assert.deepEqual(
      models.data.map((m) => m.id),
      ["m1", "m2"],
    );
    const wrong = new OpenAI({ baseURL: server.url, apiKey: "sk-wrong", maxRetries: 0 });
    await assert.rejects(
      wrong.models.list(),
      (error: unknown) => error instanceof OpenAI.AuthenticationError,
    );
  });

  it("answers the http-bot route with {response}", async () => {
    const res = await fetch(`${server.origin}/bot/soulchat`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
      body: JSON.stringify({ messages: [{ role: "user", content: "你好" }] }),
    });
    assert.deepEqual(await res.json(), { response: "echo: 你好" });
  });
});

describe("fake server faults", () => {
  const post = (url: string) =>
    fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
    });

  it("injects each HTTP fault with the status, headers and error code OpenAI uses", async () => {
    const faults: Fault[] = [
      { fault: "rate-limit", retryAfterSeconds: 7 },
      { fault: "quota" },
      { fault: "server-error" },
      { fault: "unavailable" },
      { fault: "bad-key" },
      { fault: "bad-request" },
    ];
    let i = 0;
    const server = await startFakeOpenAIServer({ reply: () => faults[i++]! });
    try {
      const seen = [];
      for (let k = 0; k < faults.length; k++) {
        const res = await post(server.url);
        const body = (await res.json()) as { error: { code: string | null; type: string } };
        seen.push([res.status, res.headers.get("retry-after"), body.error.code ?? body.error.type]);
      }
      assert.deepEqual(seen, [
        [429, "7", "rate_limit_exceeded"],
        [429, null, "insufficient_quota"],
        [500, null, "server_error"],
        [503, null, "server_error"],
        [401, null, "invalid_api_key"],
        [400, null, "invalid_request_error"],
      ]);
    } finally {
      await server.close();
    }
  });

  it("truncates bodies, resets connections and hangs until closed, counting requests in flight", async () => {
    const order: Fault[] = [
      { fault: "truncated-json" },
      { fault: "connection-reset" },
      { fault: "hang" },
    ];
    let i = 0;
    const server = await startFakeOpenAIServer({ reply: () => order[i++]! });
    const truncated = await (await post(server.url)).text();
    assert.throws(() => JSON.parse(truncated));
    await assert.rejects(post(server.url));
    const hanging = post(server.url).catch((error: unknown) => error);
    while (server.inFlight === 0) await new Promise((r) => setImmediate(r));
    assert.equal(server.inFlight, 1);
    await server.close();
    assert.ok((await hanging) instanceof Error);
    assert.equal(server.maxInFlight, 1);
  });
});
