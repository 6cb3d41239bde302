import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PsysimError } from "../../src/core/errors.js";
import {
  createLlamaCppChatModel,
  createLlamaCppEmbeddingModel,
  defaultThreadCount,
  LlamaCppModelConfigSchema,
  llamaCppOptionsFromConfig,
  resolveLlamaCppOptions,
} from "../../src/llm/providers/llama-cpp.js";
import { tinyModelPath } from "../fixtures/tiny-model.js";
import { tempDir } from "../helpers.js";

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const ask = { messages: [{ role: "user" as const, content: "hello" }], sampleKey: "k" };

/** Asserts a PsysimError with this code whose message is one line matching `pattern`. */
async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof PsysimError, `expected a PsysimError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes("\n"), "one line");
    return true;
  });
}

describe("llama-cpp provider: bad files and a missing package", () => {
  it("a missing file names the path and says to download a GGUF model", async () => {
    const path = join(dir, "nope.gguf");
    await rejectsWith(
      createLlamaCppChatModel({ modelPath: path }).complete(ask),
      "NOT_FOUND",
      new RegExp(`llama-cpp:${path}: model file ${path} does not exist; download a GGUF model`),
    );
    await rejectsWith(
      createLlamaCppEmbeddingModel({ modelPath: path }).embed(["x"]),
      "NOT_FOUND",
      /does not exist/,
    );
  });

  it("a folder is not a model file", async () => {
    await rejectsWith(
      createLlamaCppChatModel({ modelPath: dir }).complete(ask),
      "INPUT_INVALID",
      /is not a file; point model_path at the \.gguf file itself/,
    );
  });

  it("a file that is not GGUF is refused before llama.cpp sees it, showing its first bytes", async () => {
    const zip = join(dir, "model.safetensors.zip");
    writeFileSync(zip, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]));
    await rejectsWith(
      createLlamaCppChatModel({ modelPath: zip, id: "counselor" }).complete(ask),
      "INPUT_INVALID",
      /^counselor: .*model\.safetensors\.zip is not a GGUF model file \(starts with 50 4b 03 04 14 00 00 00, want "GGUF"\); convert the model with llama\.cpp's convert_hf_to_gguf\.py/,
    );
    const empty = join(dir, "empty.gguf");
    writeFileSync(empty, "");
    await rejectsWith(
      createLlamaCppChatModel({ modelPath: empty }).complete(ask),
      "INPUT_INVALID",
      /starts with nothing/,
    );
    const v1 = join(dir, "v1.gguf");
    writeFileSync(
      v1,
      Buffer.concat([Buffer.from("GGUF"), Buffer.from([1, 0, 0, 0]), Buffer.alloc(16)]),
    );
    await rejectsWith(
      createLlamaCppChatModel({ modelPath: v1 }).complete(ask),
      "INPUT_INVALID",
      /GGUF version 1, which node-llama-cpp 3\.21\.1 cannot read/,
    );
  });

  it("a missing node-llama-cpp package says how to install it", async () => {
    // A real failed import: this module sits where no node_modules can resolve node-llama-cpp.
    const importerDir = join(dir, "isolated");
    mkdirSync(importerDir);
    const importerFile = join(importerDir, "import-llama.mjs");
    writeFileSync(importerFile, 'export default () => import("node-llama-cpp");\n');
    const { default: importer } = (await import(pathToFileURL(importerFile).href)) as {
      default: () => Promise<unknown>;
    };
    await assert.rejects(importer(), { code: "ERR_MODULE_NOT_FOUND" });
    const modelPath = tinyModelPath();
    await rejectsWith(
      createLlamaCppChatModel({ modelPath, importNodeLlamaCpp: importer }).complete(ask),
      "NOT_FOUND",
      /need the optional package node-llama-cpp: run `npm install node-llama-cpp@3\.21\.1` \(about 730 MB\), or use an Ollama\/vLLM server/,
    );
    await rejectsWith(
      createLlamaCppEmbeddingModel({ modelPath, importNodeLlamaCpp: importer }).embed(["x"]),
      "NOT_FOUND",
      /npm install node-llama-cpp@3\.21\.1/,
    );
  });

  it("a package that is present but broken is reported as such, not as missing", async () => {
    const broken = () => Promise.reject(new Error("libllama.so: cannot open shared object file"));
    await rejectsWith(
      createLlamaCppChatModel({ modelPath: tinyModelPath(), importNodeLlamaCpp: broken }).complete(
        ask,
      ),
      "MODEL_CALL_FAILED",
      /node-llama-cpp failed to load: libllama\.so: cannot open/,
    );
    const wrong = () => Promise.resolve({ default: {} });
    await rejectsWith(
      createLlamaCppChatModel({ modelPath: tinyModelPath(), importNodeLlamaCpp: wrong }).complete(
        ask,
      ),
      "MODEL_CALL_FAILED",
      /has no getLlama\(\)/,
    );
  });
});

describe("llama-cpp provider: options and config", () => {
  it("uses one thread on two cores or fewer, else half the logical CPUs, at most 16", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 8, 12, 64].map((n) => defaultThreadCount(n)),
      [1, 1, 2, 2, 4, 6, 16],
    );
  });

  it("fills the documented defaults", () => {
    const o = resolveLlamaCppOptions({ modelPath: "m.gguf", baseDir: "/models", threads: 2 });
    assert.deepEqual(o, {
      id: "llama-cpp:m.gguf",
      modelPath: "/models/m.gguf",
      contextSize: undefined,
      contextOverflow: "error",
      threads: 2,
      gpu: false,
      gpuLayers: 0,
      parallel: 4,
      sampling: { temperature: 0.7, top_p: undefined, max_tokens: 512, seed: 0 },
      chatTemplate: undefined,
      importNodeLlamaCpp: undefined,
    });
  });

  it("asking for GPU layers selects a GPU; asking for a GPU offloads automatically", () => {
    assert.deepEqual(pick(resolveLlamaCppOptions({ modelPath: "m.gguf", gpuLayers: 20 })), {
      gpu: "auto",
      gpuLayers: 20,
    });
    assert.deepEqual(pick(resolveLlamaCppOptions({ modelPath: "m.gguf", gpu: "cuda" })), {
      gpu: "cuda",
      gpuLayers: "auto",
    });
    assert.deepEqual(pick(resolveLlamaCppOptions({ modelPath: "m.gguf", gpuLayers: 0 })), {
      gpu: false,
      gpuLayers: 0,
    });
  });

  it("rejects out-of-range settings when the model is created, in one line naming the setting", () => {
    const bad: [object, RegExp][] = [
      [{ threads: 0 }, /^local: threads must be a whole number ≥ 1, got 0$/],
      [{ parallel: 1.5 }, /parallel must be a whole number from 1 to 256, got 1\.5/],
      [{ contextSize: 10 }, /context_size must be a whole number ≥ 64, got 10/],
      [
        { contextOverflow: "truncate" },
        /^local: context_overflow must be one of error, drop_oldest, got truncate$/,
      ],
      [{ sampling: { temperature: 3 } }, /temperature must be a number from 0 to 2, got 3/],
      [{ sampling: { top_p: -0.1 } }, /top_p must be a number from 0 to 1/],
      [{ sampling: { max_tokens: 0 } }, /max_tokens must be a whole number ≥ 1, got 0/],
      [{ modelPath: "" }, /model_path is empty/],
    ];
    for (const [options, pattern] of bad) {
      assert.throws(
        () => createLlamaCppChatModel({ modelPath: "m.gguf", id: "local", ...options }),
        (e: unknown) =>
          e instanceof PsysimError && e.code === "CONFIG_INVALID" && pattern.test(e.message),
      );
    }
  });

  it("maps a psysim.yaml model entry, and rejects unknown keys", () => {
    const config = LlamaCppModelConfigSchema.parse({
      provider: "llama-cpp",
      model_path: "./models/qwen.gguf",
      context_size: 4096,
      context_overflow: "drop_oldest",
      threads: 2,
      gpu_layers: 0,
      parallel: 2,
      temperature: 0.7,
      top_p: 0.8,
      max_tokens: 300,
      seed: 5,
      chat_template: "templates/qwen.jinja",
    });
    const options = llamaCppOptionsFromConfig(config, "local", "/project");
    assert.deepEqual(options, {
      id: "local",
      modelPath: "./models/qwen.gguf",
      baseDir: "/project",
      contextSize: 4096,
      contextOverflow: "drop_oldest",
      threads: 2,
      gpuLayers: 0,
      parallel: 2,
      sampling: { temperature: 0.7, top_p: 0.8, max_tokens: 300, seed: 5 },
      chatTemplate: "templates/qwen.jinja",
    });
    const resolved = resolveLlamaCppOptions(options);
    assert.deepEqual(
      [resolved.modelPath, resolved.chatTemplate],
      ["/project/models/qwen.gguf", "/project/templates/qwen.jinja"],
    );
    assert.equal(
      LlamaCppModelConfigSchema.safeParse({
        provider: "llama-cpp",
        model_path: "m.gguf",
        gpu_layer: 10,
      }).success,
      false,
    );
    // The config is checked against the same ranges as the options, when the file is loaded.
    for (const bad of [
      { threads: 0 },
      { parallel: 1.5 },
      { top_p: 1.2 },
      { gpu_layers: -1 },
      { gpu: "tpu" },
      { context_overflow: "truncate" },
    ]) {
      assert.equal(
        LlamaCppModelConfigSchema.safeParse({ provider: "llama-cpp", model_path: "m.gguf", ...bad })
          .success,
        false,
        JSON.stringify(bad),
      );
    }
    assert.equal(
      LlamaCppModelConfigSchema.safeParse({
        provider: "llama-cpp",
        model_path: "m.gguf",
        gpu_layers: "max",
        gpu: false,
      }).success,
      true,
    );
  });
});

function pick(o: { gpu: unknown; gpuLayers: unknown }) {
  return { gpu: o.gpu, gpuLayers: o.gpuLayers };
}
