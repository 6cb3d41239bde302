import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PsysimError } from "../../src/core/errors.js";
import { resolveEmbeddingModel } from "../../src/llm/resolve-embedding-model.js";
import { fakeEmbedding, startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";

const near = (a: number[], b: number[]) =>
  a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);

describe("resolveEmbeddingModel", () => {
  it("embeds in batches with BAAI/bge-m3 by default, keeping the input order", async () => {
    const server = await startFakeOpenAIServer({ embeddingDimension: 32 });
    try {
      const model = await resolveEmbeddingModel(`openai-compatible:${server.url}`, {
        batchSize: 2,
      });
      const texts = ["我最近总是失眠", "工作压力很大", "I argue with my parents", "", "同学关系"];
      const vectors = await model.embed(texts);
      assert.equal(vectors.length, 5);
      texts.forEach((text, i) =>
        assert.ok(near(vectors[i]!, fakeEmbedding(text, 32)), `vector ${i}`),
      );
      const bodies = server.requests.map((r) => r.body as { model: string; input: string[] });
      assert.deepEqual(
        bodies.map((b) => [b.model, b.input.length]),
        [
          ["BAAI/bge-m3", 2],
          ["BAAI/bge-m3", 2],
          ["BAAI/bge-m3", 1],
        ],
      );
    } finally {
      await server.close();
    }
  });

  it("uses a configured model name and retries a transient failure", async () => {
    const server = await startFakeOpenAIServer({
      fault: (ctx) => (ctx.routeIndex === 0 ? { fault: "unavailable" } : undefined),
    });
    const sleeps: number[] = [];
    try {
      const config = {
        models: {
          bge: {
            provider: "openai-compatible" as const,
            model: "bge-large-zh",
            base_url: server.url,
          },
        },
      };
      const model = await resolveEmbeddingModel("bge", {
        config,
        retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      });
      const [vector] = await model.embed(["焦虑"]);
      assert.ok(near(vector!, fakeEmbedding("焦虑", 64)));
      assert.deepEqual(sleeps, [250]);
      assert.deepEqual((server.requests.at(-1)?.body as { model: string }).model, "bge-large-zh");
    } finally {
      await server.close();
    }
  });

  it("names the model, the URL and the fix when the body is cut or the key is refused", async () => {
    const server = await startFakeOpenAIServer({
      fault: (ctx) =>
        ctx.route !== "embeddings"
          ? undefined
          : ctx.routeIndex === 0
            ? { fault: "truncated-json" }
            : { fault: "bad-key" },
    });
    try {
      const model = await resolveEmbeddingModel(`openai-compatible:${server.url}`, {
        env: { OPENAI_API_KEY: "sk-wrong" },
        retry: { sleep: async () => {}, maxAttempts: 1 },
      });
      await assert.rejects(model.embed(["失眠"]), (error: Error) => {
        assert.match(error.message, /at http:\/\/127\.0\.0\.1:\d+\/v1: malformed response/);
        return true;
      });
      await assert.rejects(model.embed(["失眠"]), (error: Error) => {
        assert.match(error.message, /401/);
        return true;
      });
    } finally {
      await server.close();
    }
  });

  it("refuses a provider that cannot embed", async () => {
    await assert.rejects(
      resolveEmbeddingModel("baseline"),
      (e: unknown) =>
        e instanceof PsysimError &&
        e.code === "MODEL_SPEC_INVALID" &&
        /a baseline model cannot embed text/.test(e.message),
    );
  });
});
