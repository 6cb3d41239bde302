import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PsysimError } from "../../src/core/errors.js";
import {
  createLlamaCppEmbeddingModel,
  disposeLlamaCppModels,
} from "../../src/llm/providers/llama-cpp.js";
import { TINY_HPARAMS, tinyModelPath } from "../fixtures/tiny-model.js";

// Random weights: the vectors mean nothing. These tests check shape, order and determinism.
after(() => disposeLlamaCppModels());

const cosine = (a: number[], b: number[]) => {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++)
    [dot, na, nb] = [dot + a[i]! * b[i]!, na + a[i]! ** 2, nb + b[i]! ** 2];
  return dot / Math.sqrt(na * nb);
};

describe("llama-cpp embedding model on a tiny GGUF", () => {
  const model = createLlamaCppEmbeddingModel({
    modelPath: tinyModelPath(),
    threads: 1,
    contextSize: 256,
  });

  it("returns one vector of the model's embedding width per text, in order", async () => {
    const texts = ["I cannot sleep before exams.", "我最近工作压力很大，晚上睡不着。", "", "Hello"];
    const batch = await model.embed(texts);
    assert.equal(await model.dimensions(), TINY_HPARAMS.nEmbd);
    assert.deepEqual(
      batch.map((v) => v.length),
      [64, 64, 64, 64],
    );
    for (const v of batch) assert.ok(v.every(Number.isFinite));
    assert.deepEqual(batch[2], new Array(64).fill(0), "an empty text is the zero vector");
    const oneByOne = [];
    for (const text of texts) oneByOne.push((await model.embed([text]))[0]!);
    assert.deepEqual(batch, oneByOne, "same vector whether embedded alone or in a batch");
    assert.ok(cosine(batch[0]!, batch[1]!) < 0.999999, "different texts, different vectors");
  });

  it("is deterministic across calls and concurrent callers", async () => {
    const [a, b] = await Promise.all([
      model.embed(["take care", "再见"]),
      model.embed(["take care", "再见"]),
    ]);
    assert.deepEqual(a, b);
  });

  it("refuses a text longer than its context rather than truncating it", async () => {
    await assert.rejects(
      model.embed(["short", "anxious and tired ".repeat(200)]),
      (e: unknown) =>
        e instanceof PsysimError &&
        /^llama-cpp:.*: text 2 has \d+ tokens, more than the embedding context holds; raise context_size/.test(
          e.message,
        ),
    );
  });
});
