import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PsysimError } from "../../src/core/errors.js";
import { loadConfig, parseConfig } from "../../src/config/load-config.js";
import { psysimConfigJsonSchema } from "../../src/config/config-schema.js";
import { tempDir, writeTemp } from "../helpers.js";

const DESIGN_EXAMPLE = `models:
  gpt4:      { provider: openai, model: gpt-4-1106-preview, temperature: 1.0, max_tokens: 500 }
  vllm-qwen: { provider: openai-compatible, base_url: http://127.0.0.1:8000/v1, model: Qwen2-7B-Instruct,
               api_key_env: VLLM_API_KEY, temperature: 0.7, top_p: 0.8, max_concurrency: 64 }
  soulchat:  { provider: http-bot, url: http://127.0.0.1:9001/v1/chat/soulchat }
  local:     { provider: llama-cpp, model_path: ./models/qwen2.5-1.5b-instruct-q4_k_m.gguf }
simulation: { client: gpt4, counselor: gpt4, max_turns: 50, concurrency: 16, language: zh }
arena: { rounds: 3, anything: [goes, here] }
`;

function messageOf(text: string): string {
  try {
    parseConfig(text, "psysim.yaml");
  } catch (error) {
    assert.ok(error instanceof PsysimError && error.code === "CONFIG_INVALID", String(error));
    return error.message;
  }
  return "accepted";
}

describe("psysim.yaml", () => {
  it("accepts DESIGN.md's example and keeps other modules' sections as written", () => {
    const dir = tempDir();
    const file = writeTemp(dir, "psysim.yaml", DESIGN_EXAMPLE);
    const config = loadConfig(file);
    assert.deepEqual(config.models["vllm-qwen"], {
      provider: "openai-compatible",
      base_url: "http://127.0.0.1:8000/v1",
      model: "Qwen2-7B-Instruct",
      api_key_env: "VLLM_API_KEY",
      temperature: 0.7,
      top_p: 0.8,
      max_concurrency: 64,
    });
    assert.deepEqual(config.simulation, {
      client: "gpt4",
      counselor: "gpt4",
      max_turns: 50,
      concurrency: 16,
      language: "zh",
    });
    assert.deepEqual(config.arena, { rounds: 3, anything: ["goes", "here"] });
    assert.deepEqual(config.source, { file, dir });
  });

  it("reports each problem as one line with the file, line and field", () => {
    const cases: [string, string][] = [
      [
        "models:\n  a: { provider: openai, model: x, temperature: hot }\n",
        "psysim.yaml:2: models.a.temperature: Invalid input: expected number, received string",
      ],
      [
        "models:\n  a:\n    provider: opanai\n    model: x\n",
        "psysim.yaml:3: models.a.provider: unknown provider; expected one of openai, openai-compatible, ollama, http-bot, llama-cpp, baseline",
      ],
      [
        "models:\n  a:\n    provider: openai\n    model: x\n    temprature: 1\n",
        "psysim.yaml:5: models.a.temprature: unknown key; check its spelling against docs/models.md",
      ],
      [
        "models:\n  a:\n    provider: openai-compatible\n    model: x\n",
        "psysim.yaml:3: models.a.base_url: required but missing",
      ],
      [
        "models:\n  a:\n    provider: openai-compatible\n    model: x\n    base_url: [http://a/v1, ftp://b]\n",
        "psysim.yaml:5: models.a.base_url[1]: expected an http:// or https:// URL",
      ],
      [
        "models:\n  a: {provider: openai\n",
        "psysim.yaml:3: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }",
      ],
      [
        "simulation:\n  max_turns: 0\n  language: fr\n",
        "psysim.yaml:2: simulation.max_turns: Too small: expected number to be >=1 (and 1 more problem)",
      ],
      [
        "models:\n  a:\n    provider: openai\n    model: x\n    api_key_env: sk-abc123\n",
        "psysim.yaml:5: models.a.api_key_env: expected the name of an environment variable, e.g. VLLM_API_KEY (never the key itself)",
      ],
      [
        "bogus: 1\n",
        "psysim.yaml:1: bogus: unknown key; check its spelling against docs/models.md",
      ],
    ];
    assert.deepEqual(
      cases.map(([text]) => messageOf(text)),
      cases.map(([, message]) => message),
    );
  });

  it("names a missing config file and says what to do", () => {
    const file = join(tempDir(), "nope.yaml");
    assert.throws(() => loadConfig(file), {
      message: `${file}: no such config file; create it (see docs/models.md) or pass another --config`,
    });
  });

  it("treats an empty file as all defaults", () => {
    assert.deepEqual(parseConfig("", "e.yaml").models, {});
  });

  it("publishes a JSON schema identical to the committed docs/psysim.schema.json", () => {
    const committed = JSON.parse(readFileSync("docs/psysim.schema.json", "utf8")) as unknown;
    // Regenerate after a schema change: npx tsx -e 'import { writeConfigJsonSchema } from "./src/config/config-schema.ts"; writeConfigJsonSchema("docs/psysim.schema.json")'
    assert.deepEqual(
      committed,
      psysimConfigJsonSchema(),
      "docs/psysim.schema.json is stale; see the comment above to regenerate it",
    );
  });
});
