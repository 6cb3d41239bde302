import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseBatchResults } from "../../src/llm/batch/batch-lines.js";

const completion = (content: string) => ({
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
  usage: { prompt_tokens: 7, completion_tokens: 3 },
});

describe("parseBatchResults", () => {
  it("joins output, error and bare-completion lines by custom_id, whatever their order", () => {
    const text = [
      {
        custom_id: "b",
        response: { status_code: 200, request_id: "r2", body: completion("two") },
        error: null,
      },
      { custom_id: "a", response: completion("one") },
      {
        custom_id: "c",
        response: { status_code: 500, body: { error: { message: "overloaded" } } },
        error: null,
      },
      { custom_id: "d", response: null, error: { code: "batch_expired", message: "not run" } },
    ]
      .map((l) => JSON.stringify(l))
      .join("\n");
    const results = parseBatchResults(text + "\n\n", "out.jsonl");
    assert.deepEqual([...results.keys()], ["b", "a", "c", "d"]);
    const b = results.get("b")!;
    assert.ok(
      "response" in b && b.response.content === "two" && b.response.usage.prompt_tokens === 7,
    );
    const a = results.get("a")!;
    assert.ok("response" in a && a.response.content === "one");
    assert.deepEqual(results.get("c"), { error: "status 500: overloaded" });
    assert.deepEqual(results.get("d"), { error: "batch_expired: not run" });
  });

  it("names the file and line of a line it cannot read", () => {
    assert.throws(
      () => parseBatchResults('{"custom_id":"a","response":null}\n{oops\n', "out.jsonl"),
      {
        message: "out.jsonl:2: not JSON",
      },
    );
    assert.throws(() => parseBatchResults('{"response":null}\n', "e.jsonl"), {
      message: "e.jsonl:1: custom_id: missing",
    });
  });
});
