import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatUsage } from "../../src/cli/progress.js";
import { CallCache } from "../../src/llm/call-cache.js";
import { UsageMeter } from "../../src/llm/usage-meter.js";
import { resolveChatModel } from "../../src/llm/resolve-model.js";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";

const ask = (content: string, sampleKey = "s") => ({
  messages: [{ role: "user" as const, content }],
  sampleKey,
});
const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

describe("usage meter", () => {
  it("prices fresh tokens from the config and adds usage up by model; cache hits cost nothing", async () => {
    const server = await startFakeOpenAIServer();
    const cache = CallCache.open(":memory:");
    try {
      const config = {
        models: {
          gpt: {
            provider: "openai-compatible" as const,
            model: "m",
            base_url: server.url,
            price: { prompt_per_million: 2.5, completion_per_million: 10 },
          },
        },
      };
      const meter = new UsageMeter();
      const model = await resolveChatModel("gpt", { config, cache, meter });
      assert.equal(model.priceKnown, true);
      const a = await model.complete(ask("hello"));
      const b = await model.complete(ask("hello world"));
      const again = await model.complete(ask("hello"));
      // By hand (fake server: tokens = ceil(chars/2)):
      //   "hello" 3 prompt + "echo: hello" 6 completion → (3·2.5 + 6·10)/1e6 = 6.75e-5
      //   "hello world" 6 + "echo: hello world" 9 → (6·2.5 + 9·10)/1e6 = 1.05e-4
      assert.ok(close(a.usage.cost_usd, 6.75e-5), String(a.usage.cost_usd));
      assert.ok(close(b.usage.cost_usd, 1.05e-4), String(b.usage.cost_usd));
      assert.equal(again.usage.cost_usd, 0);
      const total = meter.byModel()["gpt"]!;
      assert.ok(close(total.cost_usd, 1.725e-4));
      assert.deepEqual(
        { ...total, cost_usd: 0 },
        { prompt_tokens: 12, completion_tokens: 21, calls: 3, cached_calls: 1, cost_usd: 0 },
      );
      assert.deepEqual(meter.unpricedModels(), []);
    } finally {
      cache.close();
      await server.close();
    }
  });

  it("reports cost 0 and names the model when no price is configured", async () => {
    const server = await startFakeOpenAIServer();
    try {
      const meter = new UsageMeter();
      const spec = `openai-compatible:m@${server.url}`;
      const model = await resolveChatModel(spec, { meter });
      assert.equal(model.priceKnown, false);
      const reply = await model.complete(ask("hello"));
      assert.equal(reply.usage.cost_usd, 0);
      assert.deepEqual(meter.unpricedModels(), [spec]);
      assert.deepEqual(meter.total(), {
        prompt_tokens: 3,
        completion_tokens: 6,
        calls: 1,
        cached_calls: 0,
        cost_usd: 0,
        unpriced_calls: 1,
      });
      assert.equal(
        formatUsage({ counselor: meter.total() }),
        "counselor 1 calls 9 tok cost unknown",
      );
      assert.equal(
        formatUsage({ judge: { ...meter.total(), cost_usd: 0.5 } }),
        "judge 1 calls 9 tok $0.5000 + cost unknown",
      );
    } finally {
      await server.close();
    }
  });
});
