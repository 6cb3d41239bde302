import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { encodeGguf } from "../fixtures/gguf-writer.js";
import {
  buildTinyModel,
  TINY_HPARAMS,
  tinyModelPath,
  writeTinyModel,
} from "../fixtures/tiny-model.js";
import { checkLlamaGguf, readGgufLayout } from "../fixtures/tiny-model-check.js";
import { tempDir } from "../helpers.js";

function encoded(mutate: (model: ReturnType<typeof buildTinyModel>) => void): Buffer {
  const model = buildTinyModel();
  mutate(model);
  return encodeGguf(model.metadata, model.tensors);
}

describe("tiny random-weight GGUF fixture", () => {
  it("writes a llama GGUF that node-llama-cpp's own reader parses with the intended hyper-parameters", async () => {
    const info = await readGgufFileInfo(tinyModelPath());
    assert.equal(info.version, 3);
    assert.equal(info.metadata.general.architecture, "llama");
    const llama = info.architectureMetadata as Record<string, unknown> & {
      attention: Record<string, unknown>;
    };
    assert.deepEqual(
      [
        llama.embedding_length,
        llama.block_count,
        llama.feed_forward_length,
        llama.attention.head_count,
        llama.context_length,
      ],
      [
        TINY_HPARAMS.nEmbd,
        TINY_HPARAMS.nLayer,
        TINY_HPARAMS.nFf,
        TINY_HPARAMS.nHead,
        TINY_HPARAMS.nCtxTrain,
      ],
    );
    const tokens = info.metadata.tokenizer.ggml.tokens;
    assert.equal(new Set(tokens).size, tokens.length, "tokens are unique");
    assert.ok(
      tokens.length > 300 && tokens.length < 1000,
      `a few hundred tokens, got ${tokens.length}`,
    );
    assert.ok(
      tokens.includes("<0x00>") &&
        tokens.includes("<0xFF>") &&
        tokens.includes("焦虑") &&
        tokens.includes("▁feel"),
    );
    // 3 global tensors + 9 per layer
    assert.equal(info.tensorInfo?.length, 3 + 9 * TINY_HPARAMS.nLayer);
    assert.equal(typeof info.metadata.tokenizer.chat_template, "string");
  });

  it("is reproducible from its seed", () => {
    const dir = tempDir();
    after(() => rmSync(dir, { recursive: true, force: true }));
    const a = readFileSync(writeTinyModel(join(dir, "a.gguf"), { seed: 7 }));
    const b = readFileSync(writeTinyModel(join(dir, "b.gguf"), { seed: 7 }));
    const c = readFileSync(writeTinyModel(join(dir, "c.gguf"), { seed: 8 }));
    assert.ok(a.equals(b));
    assert.equal(a.length, c.length);
    assert.ok(!a.equals(c));
  });

  it("lays tensors out 32-byte aligned, inside the file", () => {
    const layout = readGgufLayout(readFileSync(tinyModelPath()));
    assert.equal(layout.dataStart % 32, 0);
    for (const tensor of layout.tensors) assert.equal(tensor.offset % 32, 0, tensor.name);
    const last = layout.tensors.at(-1)!;
    assert.ok(
      layout.dataStart + last.offset + last.dims.reduce((a, b) => a * b, 1) * 4 <= layout.fileSize,
    );
  });

  it("the checker reports each defect that would abort llama.cpp", () => {
    assert.deepEqual(checkLlamaGguf(encoded(() => {})), []);
    assert.deepEqual(
      checkLlamaGguf(encoded((m) => m.metadata.delete("llama.feed_forward_length"))),
      ["missing key llama.feed_forward_length"],
    );
    assert.deepEqual(
      checkLlamaGguf(
        encoded((m) => m.metadata.set("llama.attention.head_count", { type: "i32", value: 4 })),
      ),
      ["key llama.attention.head_count is i32, want u32"],
    );
    assert.deepEqual(
      checkLlamaGguf(
        encoded((m) => {
          const tokens = m.metadata.get("tokenizer.ggml.tokens")!.value as string[];
          m.metadata.set("tokenizer.ggml.tokens", {
            type: "string[]",
            value: [...tokens.slice(0, -1), "▁feel"],
          });
        }),
      ),
      ['duplicate token "▁feel"'],
    );
    assert.deepEqual(
      checkLlamaGguf(
        encoded((m) => {
          const ffnUp = m.tensors.find((t) => t.name === "blk.1.ffn_up.weight")!;
          ffnUp.dims = [TINY_HPARAMS.nFf, TINY_HPARAMS.nEmbd];
        }),
      ),
      ["tensor blk.1.ffn_up.weight is 128x64, want 64x128"],
    );
    assert.deepEqual(
      checkLlamaGguf(
        encoded((m) => (m.tensors = m.tensors.filter((t) => t.name !== "blk.0.attn_k.weight"))),
      ),
      ["missing tensor blk.0.attn_k.weight"],
    );
    const truncated = encoded(() => {}).subarray(0, 200_000);
    assert.deepEqual(checkLlamaGguf(truncated).length > 0, true);
    assert.match(checkLlamaGguf(truncated)[0]!, /past the end of the file/);
  });
});
