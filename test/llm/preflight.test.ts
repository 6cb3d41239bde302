import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { preflightModels, type PreflightTarget } from "../../src/llm/preflight.js";
import { resolveModelSpec } from "../../src/llm/model-spec.js";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";

/** A port nothing listens on: bound by the OS, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const target = (spec: string, baseDir?: string): PreflightTarget => ({
  ...resolveModelSpec(spec),
  ...(baseDir === undefined ? {} : { baseDir }),
});

/** What a rejection says, so a test can assert the whole line. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  assert.fail("expected the preflight to fail");
}

describe("Preflight: every model checked before the first call", () => {
  let server: FakeOpenAIServer;
  let second: FakeOpenAIServer;
  let dead: string;
  before(async () => {
    server = await startFakeOpenAIServer({ apiKey: "good" });
    second = await startFakeOpenAIServer();
    dead = `http://127.0.0.1:${await deadPort()}/v1`;
  });
  after(async () => {
    await server.close();
    await second.close();
  });

  it("asks every base URL one GET /models, with the model's key, and makes no chat call", async () => {
    const before = [server.requests.length, second.requests.length];
    const config = {
      provider: "openai-compatible" as const,
      model: "m",
      base_url: [second.url, server.url],
      api_key_env: "K",
    };
    await preflightModels([{ id: "replicas", config }], { env: { K: "good" } });
    const seen = [server, second].map((s, k) =>
      s.requests.slice(before[k]).map((r) => `${r.method} ${r.path} ${r.headers.authorization}`),
    );
    assert.deepEqual(seen, [["GET /v1/models Bearer good"], ["GET /v1/models Bearer good"]]);
  });

  it("names the model, the endpoint and the fix when nothing listens, unless the probe is skipped", async () => {
    const spec = `openai-compatible:m@${dead}`;
    assert.deepEqual(await failure(preflightModels([target("baseline"), target(spec)])), {
      code: "MODEL_CALL_FAILED",
      message: `preflight: model "${spec}": GET ${dead}/models: cannot connect (ECONNREFUSED); start the server or fix the URL, or pass --no-preflight to skip this check`,
    });
    await preflightModels([target(spec)], { probe: false });
  });

  it("reports a refused key as an authentication failure naming the variable", async () => {
    const config = {
      provider: "openai-compatible" as const,
      model: "m",
      base_url: server.url,
      api_key_env: "K",
    };
    assert.deepEqual(
      await failure(preflightModels([{ id: "vllm", config }], { env: { K: "wrong" } })),
      {
        code: "MODEL_CALL_FAILED",
        message: `preflight: model "vllm": GET ${server.url}/models: authentication failed (401); set K to a valid key`,
      },
    );
  });

  it("stops on a missing key variable before any request", async () => {
    const before = server.requests.length;
    const result = await failure(preflightModels([target(`openai:gpt-4o`)], { env: {} }));
    assert.equal(result.code, "MISSING_API_KEY");
    assert.match(
      result.message,
      /^openai:gpt-4o needs an API key: set the environment variable OPENAI_API_KEY/,
    );
    assert.equal(server.requests.length, before);
  });

  it("checks that a GGUF path exists and starts with the GGUF magic", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.gguf"), "not a model at all");
    const header = Buffer.alloc(24);
    header.write("GGUF", 0, "latin1");
    header.writeUInt32LE(3, 4);
    writeFileSync(join(dir, "ok.gguf"), header);
    assert.equal(
      (await failure(preflightModels([target("llama-cpp:missing.gguf", dir)]))).message,
      `llama-cpp:missing.gguf: model file ${join(dir, "missing.gguf")} does not exist; download a GGUF model (e.g. Qwen2.5-7B-Instruct-GGUF) and point model_path at the .gguf file`,
    );
    assert.match(
      (await failure(preflightModels([target("llama-cpp:notes.gguf", dir)]))).message,
      /notes\.gguf is not a GGUF model file \(starts with 6e 6f 74 20 61 20 6d 6f, want "GGUF"\)/,
    );
    await preflightModels([target("llama-cpp:ok.gguf", dir)]);
  });

  it("counts any HTTP answer from an http-bot as up (bots define only POST), and a dead one as down", async () => {
    await preflightModels([target(`http-bot:${second.origin}/bot/echo`)]);
    const bot = `http-bot:${dead.replace("/v1", "")}/bot/echo`;
    assert.match(
      (await failure(preflightModels([target(bot)]))).message,
      /cannot connect \(ECONNREFUSED\)/,
    );
  });

  it("simulate with 300 cards against a dead server fails at once with one line, no chat call and no output", async () => {
    const dir = tempDir();
    const cards = join(dir, "cards.jsonl");
    writeFileSync(
      cards,
      Array.from({ length: 300 }, (_, k) =>
        JSON.stringify({ id: `c${k}`, language: "en", chief_complaint: "I cannot sleep." }),
      ).join("\n") + "\n",
    );
    const chatsBefore = second.requests.filter((r) => r.path.endsWith("/chat/completions")).length;
    const out = join(dir, "out.jsonl");
    const run = await runCli([
      "simulate",
      "--cards",
      cards,
      "--out",
      out,
      "--client",
      `openai-compatible:client@${second.url}`,
      "--counselor",
      `openai-compatible:counselor@${dead}`,
      "--no-cache",
    ]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `psysim: preflight: model "openai-compatible:counselor@${dead}": GET ${dead}/models: cannot connect (ECONNREFUSED); start the server or fix the URL, or pass --no-preflight to skip this check\n`,
    );
    assert.equal(run.stdout, "");
    assert.equal(
      second.requests.filter((r) => r.path.endsWith("/chat/completions")).length,
      chatsBefore,
      "the live client model was never called",
    );
    assert.equal(existsSync(out), false);
  });
});
