import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { resolveEvaluationSettings, resolveRunSettings } from "../../src/app/run-settings.js";

describe("Run settings: one rule for flags, psysim.yaml and defaults", () => {
  const config = {
    simulation: {
      client: "qwen",
      max_turns: 30,
      concurrency: 4,
      seed: 7,
      language: "en" as const,
      validator: {
        max_chinese_chars: 150,
        max_english_words: 90,
        max_attempts: 2,
        exhausted_policy: "truncate" as const,
      },
    },
  };

  it("takes every simulation: key when no flag is given (the arena's concurrency and the platform's σ included)", () => {
    assert.deepEqual(resolveRunSettings(config), {
      client: "qwen",
      counselor: "baseline",
      maxTurns: 30,
      concurrency: 4,
      seed: 7,
      language: "en",
      maxAttempts: 2,
      exhaustedPolicy: "truncate",
      validator: { maxChineseChars: 150, maxEnglishWords: 90 },
    });
  });

  it("lets a flag win over the config, key by key", () => {
    const settings = resolveRunSettings(config, {
      counselor: "openai:gpt-4o",
      concurrency: 32,
      seed: 0,
      exhaustedPolicy: "fail",
    });
    assert.deepEqual(
      [settings.client, settings.counselor, settings.concurrency, settings.seed, settings.maxTurns],
      ["qwen", "openai:gpt-4o", 32, 0, 30],
    );
    assert.equal(settings.exhaustedPolicy, "fail");
  });

  it("leaves unset keys out, so each command keeps its own default", () => {
    assert.deepEqual(resolveRunSettings(undefined, { maxTurns: 8 }), {
      client: "baseline",
      counselor: "baseline",
      maxTurns: 8,
      validator: {},
    });
  });

  it("resolves eval's settings by the same rule: flag, then evaluation:, then the evaluation's default", () => {
    const evaluation = {
      evaluation: { judge: "gpt4o", rounds: 2, concurrency: 16, seed: 4, batch_size: 8 },
    };
    assert.deepEqual(resolveEvaluationSettings(evaluation, { rounds: 5, embeddings: "none" }), {
      judge: "gpt4o",
      embeddings: "none",
      rounds: 5,
      concurrency: 16,
      seed: 4,
      batchSize: 8,
    });
    assert.deepEqual(resolveEvaluationSettings(undefined, {}), {});
  });
});
