import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PsysimError } from "../../src/core/errors.js";
import { createTransformersEmbeddingModel } from "../../src/llm/local/transformers-embedding.js";
import { tempDir } from "../helpers.js";

// @huggingface/transformers is not installed here: the real import is only exercised for
// its missing-package error; the call contract is checked against a stand-in (unverified).
const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const modelDir = join(dir, "models", "bge-small");
mkdirSync(join(modelDir, "onnx"), { recursive: true });
writeFileSync(join(modelDir, "config.json"), "{}");

const isError = (code: string, pattern: RegExp) => (e: unknown) =>
  e instanceof PsysimError &&
  e.code === code &&
  pattern.test(e.message) &&
  !e.message.includes("\n");

describe("transformers.js embedding model (local ONNX folder)", () => {
  it("says how to install the optional package when it is missing", async () => {
    const model = createTransformersEmbeddingModel({ modelDir });
    await assert.rejects(
      model.embed(["hello"]),
      isError(
        "NOT_FOUND",
        /need the optional package @huggingface\/transformers: add "allowScripts": \{"onnxruntime-node": false\} to package\.json, then run `npm install @huggingface\/transformers@\^4`/,
      ),
    );
  });

  it("names a missing folder, and a folder that holds no exported model", async () => {
    await assert.rejects(
      createTransformersEmbeddingModel({ modelDir: join(dir, "nope") }).embed(["x"]),
      isError("NOT_FOUND", /model folder .*nope does not exist/),
    );
    await assert.rejects(
      createTransformersEmbeddingModel({ modelDir: dir }).embed(["x"]),
      isError("INPUT_INVALID", /has no config\.json/),
    );
  });

  it("switches remote loading off and asks for local files only (against a stand-in for the package)", async () => {
    const env = { allowRemoteModels: true, allowLocalModels: false, localModelPath: "/models/" };
    const calls: unknown[] = [];
    const standIn = {
      env,
      pipeline: async (task: string, name: string, options: object) => {
        calls.push({ task, name, options, env: { ...env } });
        return async (texts: string[], run: object) => {
          calls.push({ texts, run });
          return { tolist: () => texts.map((t) => [t.length, 1]) };
        };
      },
    };
    const model = createTransformersEmbeddingModel({
      modelDir: "models/bge-small",
      baseDir: dir,
      pooling: "cls",
      dtype: "fp32",
      importTransformers: async () => standIn,
    });
    assert.equal(model.id, "transformers:models/bge-small");
    assert.deepEqual(await model.embed(["ab", "abcd"]), [
      [2, 1],
      [4, 1],
    ]);
    await model.embed(["x"]);
    assert.deepEqual(calls, [
      {
        task: "feature-extraction",
        name: "bge-small",
        options: { local_files_only: true, dtype: "fp32" },
        env: {
          allowRemoteModels: false,
          allowLocalModels: true,
          localModelPath: join(dir, "models"),
        },
      },
      { texts: ["ab", "abcd"], run: { pooling: "cls", normalize: true } },
      { texts: ["x"], run: { pooling: "cls", normalize: true } },
    ]);
  });
});
