import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importDialogues, importRecords } from "../../../src/evaluation/index.js";
import { readDialogueFile } from "../../../src/evaluation/index.js";
import { tempDir } from "../../helpers.js";
import { runCli } from "../../fixtures/run-cli.js";
import { writeJsonlFile } from "../fixtures.js";

const at = (value: unknown, line = 1) => ({ value, line });

describe("importRecords", () => {
  it("reads ShareGPT with from/value, mapping human/gpt and moving system text to meta", () => {
    const r = importRecords(
      [
        at({
          id: "x1",
          conversations: [
            { from: "system", value: "你是咨询师" },
            { from: "human", value: "你好" },
            { from: "gpt", value: "你好，想聊什么？" },
          ],
        }),
      ],
      "sharegpt",
      "/data/real.json",
    );
    assert.deepEqual(r, {
      problems: [],
      dialogues: [
        {
          schema: "psysim.dialogue/1",
          id: "x1",
          language: "zh",
          turns: [
            { role: "client", content: "你好" },
            { role: "counselor", content: "你好，想聊什么？" },
          ],
          meta: {
            source: { file: "real.json", format: "sharegpt", line: 1 },
            system: ["你是咨询师"],
          },
        },
      ],
    });
  });

  it("reads ShareGPT with role/content and OpenAI messages, numbering records without ids", () => {
    const share = importRecords(
      [
        at({
          conversations: [
            { role: "user", content: "Hi" },
            { role: "assistant", content: "Hello" },
          ],
        }),
      ],
      "sharegpt",
      "a.jsonl",
    );
    const openai = importRecords(
      [
        at(
          {
            messages: [
              { role: "user", content: "I feel low." },
              { role: "assistant", content: "Tell me more." },
            ],
          },
          3,
        ),
      ],
      "openai",
      "chats.jsonl",
    );
    assert.deepEqual([share.dialogues[0]!.id, share.dialogues[0]!.language], ["a-1", "en"]);
    assert.deepEqual(
      openai.dialogues[0]!.turns.map((t) => t.role),
      ["client", "counselor"],
    );
    assert.deepEqual(openai.dialogues[0]!.meta["source"], {
      file: "chats.jsonl",
      format: "openai",
      line: 3,
    });
  });

  it("reads plain arrays of messages, one record per session or the whole file as one session", () => {
    const many = importRecords(
      [
        at([
          { role: "client", content: "嗯" },
          { role: "counselor", content: "好" },
        ]),
        at(
          [
            { role: "user", content: "a" },
            { role: "assistant", content: "b" },
          ],
          2,
        ),
      ],
      "pairs",
      "p.jsonl",
      { language: "en" },
    );
    assert.equal(many.dialogues.length, 2);
    const one = importRecords(
      [at({ role: "client", content: "你好" }, 2), at({ role: "counselor", content: "你好" }, 3)],
      "pairs",
      "one.json",
    );
    assert.deepEqual(
      one.dialogues.map((d) => [d.id, d.turns.length]),
      [["one-1", 2]],
    );
  });

  it("reports and skips empty, one-speaker, non-alternating and malformed sessions without fixing them", () => {
    const r = importRecords(
      [
        at({ messages: [] }, 1),
        at({ messages: [{ role: "system", content: "s" }] }, 2),
        at(
          {
            messages: [
              { role: "user", content: "a" },
              { role: "user", content: "b" },
            ],
          },
          3,
        ),
        at(
          {
            messages: [
              { role: "user", content: "a" },
              { role: "assistant", content: "b" },
              { role: "assistant", content: "c" },
            ],
          },
          4,
        ),
        at({ messages: [{ role: "tool", content: "x" }] }, 5),
        at(
          {
            messages: [
              { role: "user", content: "  " },
              { role: "assistant", content: "b" },
            ],
          },
          6,
        ),
        at({ conversations: [] }, 7),
        at(
          {
            id: "ok",
            messages: [
              { role: "user", content: "a" },
              { role: "assistant", content: "b" },
            ],
          },
          8,
        ),
        at(
          {
            id: "ok",
            messages: [
              { role: "user", content: "a" },
              { role: "assistant", content: "b" },
            ],
          },
          9,
        ),
      ],
      "openai",
      "f.jsonl",
    );
    assert.deepEqual(
      r.dialogues.map((d) => d.id),
      ["ok"],
    );
    assert.deepEqual(
      r.problems.map((p) => `${p.line}: ${p.reason}`),
      [
        "1: empty session: no client or counselor messages",
        "2: empty session: no client or counselor messages",
        "3: one speaker only: every message is from the client",
        "4: turns do not alternate: turns 2 and 3 are both from the counselor",
        '5: message 1 has role "tool", expected one of user, assistant, system, client, counselor',
        "6: message 1 is empty",
        '7: "messages" is missing or not an array',
        '9: duplicate id "ok"',
      ],
    );
  });
});

describe("psysim import", () => {
  it("writes dialogues that the evaluation commands read, listing skipped records on stderr", async () => {
    const dir = tempDir();
    const input = join(dir, "real.json");
    writeFileSync(
      input,
      JSON.stringify(
        [
          {
            conversations: [
              { from: "human", value: "我失眠了" },
              { from: "gpt", value: "多久了？" },
            ],
          },
          { conversations: [{ from: "human", value: "在吗" }] },
        ],
        null,
        2,
      ),
    );
    const out = join(dir, "real.jsonl");
    const r = await runCli(["import", input, "--from", "sharegpt", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `imported 1 session to ${out}; skipped 1\n`);
    assert.equal(
      r.stderr,
      `${input}:14: record 2: one speaker only: every message is from the client (skipped)\n`,
    );
    assert.deepEqual(
      (await readDialogueFile(out)).map((d) => d.id),
      ["real-1"],
    );
  });

  it("fails with one line and writes nothing when no record can be imported", async () => {
    const dir = tempDir();
    const input = writeJsonlFile(dir, "cards.jsonl", [{ id: "c1", chief_complaint: "焦虑" }]);
    const out = join(dir, "out.jsonl");
    const r = await runCli(["import", input, "--from", "openai", "--out", out]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /record 1: "messages" is missing or not an array \(skipped\)\npsysim: .*cards\.jsonl: no session could be imported as openai \(see the reasons above\)\n$/,
    );
    assert.equal(existsSync(out), false);
    assert.equal(
      (await runCli(["import", input, "--from", "csv", "--out", out])).stderr,
      'psysim: --from expects one of sharegpt, openai, pairs, got "csv"\n',
    );
  });

  it("reads a real file from disk through the library", async () => {
    const dir = tempDir();
    const input = writeJsonlFile(dir, "chats.jsonl", [
      {
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: "hello" },
        ],
      },
    ]);
    const r = await importDialogues(input, "openai");
    assert.equal(r.dialogues[0]!.id, "chats-1");
    assert.ok(readFileSync(input, "utf8").length > 0);
  });
});
