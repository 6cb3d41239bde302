import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import {
  readRoleCards,
  InputFileError,
  JsonlAppender,
  readJsonlRecords,
} from "../../src/core/index.js";
import { tempDir, writeTemp } from "../helpers.js";

const full = {
  id: "c1",
  gender: "女",
  age: 20,
  education: "本科在读",
  occupation: "学生",
  marital_status: "单身",
  family_relationships: "与母亲关系紧张",
  big_five: {
    openness: "中等偏低",
    conscientiousness: "中等",
    extraversion: "中等偏低",
    agreeableness: "中等偏高",
    neuroticism: "高",
  },
  resistance: "中等",
  chief_complaint: "总是渴望他人认可，总是拖延，怎么办？",
};

describe("reading role cards", () => {
  it("reads JSONL, a JSON array and YAML to the same cards", async () => {
    const dir = tempDir();
    const jsonl = writeTemp(
      dir,
      "a.jsonl",
      JSON.stringify(full) + "\n\n" + JSON.stringify("I feel lonely at university.") + "\n",
    );
    const array = writeTemp(
      dir,
      "a.json",
      JSON.stringify([full, "I feel lonely at university."], null, 2),
    );
    const yaml = writeTemp(
      dir,
      "a.yaml",
      `- ${JSON.stringify(full)}\n- I feel lonely at university.\n`,
    );
    const expected = await readRoleCards(jsonl);
    assert.equal(expected.length, 2);
    assert.deepEqual(await readRoleCards(array), expected);
    assert.deepEqual(await readRoleCards(yaml), expected);
    assert.equal(expected[0]!.language, "zh");
    assert.deepEqual(expected[1], {
      schema: "psysim.rolecard/1",
      id: expected[1]!.id,
      language: "en",
      chief_complaint: "I feel lonely at university.",
    });
    assert.match(expected[1]!.id, /^card-[0-9a-f]{12}$/);
  });

  it("reports every bad record as file:line: field: reason", async () => {
    const dir = tempDir();
    const bad = { ...full, id: "c2", age: -3 };
    const { big_five: _drop, ...missing } = { ...full, id: "c3" };
    const file = writeTemp(
      dir,
      "bad.jsonl",
      [full, bad, missing, { ...full }].map((r) => JSON.stringify(r)).join("\n") + "\n",
    );
    await assert.rejects(readRoleCards(file), (error: unknown) => {
      assert.ok(error instanceof InputFileError);
      assert.deepEqual(
        error.problems.map((p) => [p.line, p.field]),
        [
          [2, "age"],
          [3, "big_five"],
        ],
      );
      assert.match(error.message, /bad\.jsonl:2: age: /);
      return true;
    });
  });

  it("lists lines that are not JSON together with bad fields, in line order", async () => {
    const dir = tempDir();
    const file = writeTemp(
      dir,
      "mixed.jsonl",
      `{oops\n${JSON.stringify({ ...full, id: "c9", age: 0 })}\n${JSON.stringify(full)}\n`,
    );
    await assert.rejects(readRoleCards(file), (error: unknown) => {
      assert.ok(error instanceof InputFileError);
      assert.deepEqual(
        error.problems.map((p) => [p.line, p.field]),
        [
          [1, ""],
          [2, "age"],
        ],
      );
      assert.match(error.message, /mixed\.jsonl:1: not valid JSON .*\(and 1 more bad record\)$/);
      return true;
    });
  });

  it("reports duplicate ids with the first line", async () => {
    const dir = tempDir();
    const file = writeTemp(dir, "dup.jsonl", `${JSON.stringify(full)}\n${JSON.stringify(full)}\n`);
    await assert.rejects(
      readRoleCards(file),
      /dup\.jsonl:2: id: duplicate id "c1" \(first on line 1\)/,
    );
  });

  it("rejects records of another kind or version", async () => {
    const dir = tempDir();
    const file = writeTemp(
      dir,
      "v.jsonl",
      JSON.stringify({ ...full, schema: "psysim.rolecard/2" }) + "\n",
    );
    await assert.rejects(
      readRoleCards(file),
      /v\.jsonl:1: schema: schema version 2 is not supported/,
    );
  });

  it("gives the line of a record inside a JSON array", async () => {
    const dir = tempDir();
    const file = writeTemp(
      dir,
      "arr.json",
      `[\n  ${JSON.stringify(full)},\n  {"chief_complaint": ""}\n]`,
    );
    await assert.rejects(readRoleCards(file), /arr\.json:3: chief_complaint: /);
  });
});

describe("JsonlAppender", () => {
  it("cuts a torn last line left by a crash before appending", async () => {
    const dir = tempDir();
    const file = join(dir, "out.jsonl");
    writeFileSync(file, JSON.stringify({ n: 1 }) + "\n");
    appendFileSync(file, '{"n": 2, "half');
    const out = new JsonlAppender(file);
    out.append({ n: 3 });
    out.close();
    assert.equal(readFileSync(file, "utf8"), '{"n":1}\n{"n":3}\n');
    assert.deepEqual(await readJsonlRecords(file, (v) => v), [{ n: 1 }, { n: 3 }]);
  });
});
