import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expandInputPaths } from "../../../src/core/input-paths.js";
import { readRecordValues } from "../../../src/core/record-files.js";
import {
  attachCards,
  importDialogues,
  readCardMap,
  readDialogueFile,
} from "../../../src/evaluation/index.js";
import { tempDir, writeTemp } from "../../helpers.js";
import { runCli } from "../../fixtures/run-cli.js";

/** Synthetic sessions in the shape of the paper's released files (not the paper's data). */
const FIXTURE = fileURLToPath(new URL("../../fixtures/simpsydial-style/", import.meta.url));
const DIALOGUES = join(FIXTURE, "dialogue");

describe("expandInputPaths", () => {
  it("lists a folder's record files with numbers in number order, and expands quoted globs", () => {
    const names = (files: string[]) => files.map((f) => f.slice(DIALOGUES.length + 1));
    assert.deepEqual(names(expandInputPaths([DIALOGUES])), [
      "0.json",
      "1.json",
      "2.json",
      "10.json",
    ]);
    assert.deepEqual(names(expandInputPaths([join(DIALOGUES, "1*.json")])), ["1.json", "10.json"]);
    assert.deepEqual(
      names(expandInputPaths([join(DIALOGUES, "?.json"), join(DIALOGUES, "0.json")])),
      ["0.json", "1.json", "2.json"],
    );
    const dir = tempDir();
    mkdirSync(join(dir, "a", "b"), { recursive: true });
    writeTemp(dir, "a/b/x.jsonl", "");
    writeTemp(dir, "a/y.txt", "");
    assert.deepEqual(expandInputPaths([join(dir, "**/*.jsonl")]), [join(dir, "a/b/x.jsonl")]);
  });

  it("fails on an input that names nothing, instead of importing an empty dataset", () => {
    const dir = tempDir();
    assert.throws(
      () => expandInputPaths([join(dir, "missing")]),
      /missing: no such file or folder/,
    );
    assert.throws(
      () => expandInputPaths([join(dir, "*.json")]),
      /no \.jsonl, \.json, \.yaml, \.yml file matches/,
    );
    assert.throws(() => expandInputPaths([dir]), /folder has no \.jsonl/);
  });
});

describe("readRecordValues on JSON Lines of message arrays", () => {
  it("reads one array a line, where a file opening with [ used to be taken for one JSON array", async () => {
    const values = await readRecordValues(join(FIXTURE, "dialogues.jsonl"));
    assert.equal(values.length, 4);
    assert.deepEqual(
      values.map((v) => [v.line, Array.isArray(v.value)]),
      [
        [1, true],
        [2, true],
        [3, true],
        [4, true],
      ],
    );
    const dir = tempDir();
    const oneLine = writeTemp(dir, "a.json", '[{"id":1},{"id":2}]\n');
    assert.deepEqual(
      (await readRecordValues(oneLine)).map((v) => v.value),
      [{ id: 1 }, { id: 2 }],
    );
  });
});

describe("importing a folder of one-session files", () => {
  it("takes ids from file names, infers ended_by with g and marks it as inferred", async () => {
    const r = await importDialogues([DIALOGUES], "pairs", { idFrom: "filename" });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.dialogues.map((d) => [
        d.id,
        d.ended_by ?? null,
        d.termination_phrase ?? null,
        d.meta["inferred"] ?? null,
      ]),
      [
        ["0", "termination_phrase", "加油", ["ended_by"]],
        ["1", "termination_phrase", "保重", ["ended_by"]],
        // Session 2 stops on a question: g does not fire, so its ending stays unknown.
        ["2", null, null, null],
        ["10", "termination_phrase", "一切顺利", ["ended_by"]],
      ],
    );
    const none = await importDialogues([DIALOGUES], "pairs", { inferEnding: false });
    assert.deepEqual(
      none.dialogues.map((d) => [d.id, d.ended_by ?? null]),
      [
        ["0-1", null],
        ["1-1", null],
        ["2-1", null],
        ["10-1", null],
      ],
    );
  });

  it("reports a duplicate id across files as a skipped record", async () => {
    const dir = tempDir();
    const session = JSON.stringify([
      { role: "client", content: "hi" },
      { role: "counselor", content: "hello" },
    ]);
    mkdirSync(join(dir, "x"));
    writeTemp(dir, "a.json", session);
    writeTemp(dir, "x/a.json", session);
    const r = await importDialogues([dir, join(dir, "x")], "pairs", { idFrom: "filename" });
    assert.deepEqual(
      r.dialogues.map((d) => d.id),
      ["a"],
    );
    assert.deepEqual(
      r.problems.map((p) => [p.file, p.reason]),
      [[join(dir, "x/a.json"), 'duplicate id "a"']],
    );
  });
});

describe("attaching role cards", () => {
  it("reads CSV, a JSON object and records, and names the line of a bad entry", async () => {
    const csv = await readCardMap(join(FIXTURE, "card-map.csv"));
    assert.deepEqual([...csv.entries].slice(0, 2), [
      ["0", { card: "card-0", line: 2 }],
      ["1", { card: "card-1", line: 3 }],
    ]);
    const dir = tempDir();
    const obj = await readCardMap(writeTemp(dir, "m.json", '{\n  "0": "c0",\n  "7": "c7"\n}\n'));
    assert.deepEqual(
      [...obj.entries],
      [
        ["0", { card: "c0", line: 2 }],
        ["7", { card: "c7", line: 3 }],
      ],
    );
    const jsonl = await readCardMap(
      writeTemp(dir, "m.jsonl", '{"session_id":0,"role_card_id":"c0"}\n'),
    );
    assert.deepEqual([...jsonl.entries], [["0", { card: "c0", line: 1 }]]);
    await assert.rejects(
      readCardMap(writeTemp(dir, "bad.csv", "session_id,role_card_id\n0,c0\n0,c1\n")),
      {
        message: `${join(dir, "bad.csv")}:3: session_id: session "0" is mapped twice (first on line 2)`,
      },
    );
    await assert.rejects(
      readCardMap(writeTemp(dir, "h.csv", "a,b\n")),
      /h\.csv:1: header: expected columns session_id and role_card_id/,
    );
  });

  it("attaches by template or map, checks ids against the cards, and lists what is left over", async () => {
    const { dialogues } = await importDialogues([DIALOGUES], "pairs", { idFrom: "filename" });
    const cards = { file: "cards.jsonl", cards: [{ id: "card-0" }, { id: "card-1" }] as never[] };
    assert.throws(() => attachCards(dialogues, { template: "card-{id}", cards }), {
      message:
        '2.json:1: role_card_id: card "card-2" (from --card-id card-{id}) for session "2" is not in cards.jsonl',
    });
    const map = {
      file: "m.csv",
      entries: new Map([
        ["0", { card: "card-0", line: 2 }],
        ["99", { card: "card-1", line: 3 }],
      ]),
    };
    const r = attachCards(dialogues, { map, cards });
    assert.deepEqual(
      r.dialogues.map((d) => d.role_card_id ?? null),
      ["card-0", null, null, null],
    );
    assert.deepEqual([r.unmapped, r.unused], [["1", "2", "10"], ["99"]]);
    assert.throws(
      () => attachCards(dialogues, { template: "card" }),
      /--card-id expects a template containing \{id\}/,
    );
  });
});

describe("psysim import of a folder, then stats and eval fidelity", () => {
  it("imports the folder with cards and gives stats an inferred ending and fidelity its cards", async () => {
    const dir = tempDir();
    const out = join(dir, "sim.jsonl");
    const r = await runCli([
      "import",
      DIALOGUES,
      "--from",
      "pairs",
      "--id-from",
      "filename",
      "--card-map",
      join(FIXTURE, "card-map.csv"),
      "--cards",
      join(FIXTURE, "cards.jsonl"),
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `imported 4 sessions to ${out}; from 4 files; ended_by inferred for 3; cards attached to 4\n`,
    );
    assert.deepEqual(
      (await readDialogueFile(out)).map((d) => d.role_card_id),
      ["card-0", "card-1", "card-2", "card-10"],
    );
    const stats = await runCli(["stats", out]);
    assert.match(stats.stdout, /Ended by termination_phrase \(inferred\) +3\n/);
    assert.match(stats.stdout, /Ended by unknown +1\n/);
    const fidelity = await runCli([
      "eval",
      "fidelity",
      "--dialogues",
      out,
      "--cards",
      join(FIXTURE, "cards.jsonl"),
    ]);
    assert.equal(fidelity.code, 0, fidelity.stderr);
    assert.match(fidelity.stdout, /vocabulary overlap \(Eq\. 1\)/);
  });

  it("reads a JSONL of message arrays and quoted globs, and tells fidelity users to attach cards on import", async () => {
    const dir = tempDir();
    const out = join(dir, "a.jsonl");
    const r = await runCli([
      "import",
      join(FIXTURE, "dialogues.jsonl"),
      join(DIALOGUES, "1*.json"),
      "--from",
      "pairs",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^imported 6 sessions to .*; from 3 files; ended_by inferred for 5\n$/);
    const fidelity = await runCli([
      "eval",
      "fidelity",
      "--dialogues",
      out,
      "--cards",
      join(FIXTURE, "cards.jsonl"),
    ]);
    assert.equal(fidelity.code, 1);
    assert.match(
      fidelity.stderr,
      /^psysim: .*: session "dialogues-1" names no role_card_id, .*; these sessions were imported: attach their cards with `psysim import --card-id` or `--card-map` \(docs\/import\.md\)\n$/,
    );
  });

  it("fails with one psysim line on a bad mapping, a missing card and bad flags", async () => {
    const dir = tempDir();
    const out = join(dir, "o.jsonl");
    const base = ["import", DIALOGUES, "--from", "pairs", "--id-from", "filename", "--out", out];
    const bad = writeTemp(dir, "m.csv", "session_id,role_card_id\n0,\n");
    assert.deepEqual(await runCli([...base, "--card-map", bad]), {
      code: 1,
      stdout: "",
      stderr: `psysim: ${bad}:2: role_card_id: missing or empty card id\n`,
    });
    const missing = await runCli([
      ...base,
      "--card-id",
      "c-{id}",
      "--cards",
      join(FIXTURE, "cards.jsonl"),
    ]);
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      `psysim: 0.json:1: role_card_id: card "c-0" (from --card-id c-{id}) for session "0" is not in ${join(FIXTURE, "cards.jsonl")}\n`,
    );
    assert.equal(
      (await runCli([...base, "--id-from", "name"])).stderr,
      'psysim: --id-from expects one of record, filename, got "name"\n',
    );
    assert.equal((await runCli([...base, "--card-id", "x"])).code, 2);
    writeFileSync(join(dir, "empty.txt"), "");
    assert.equal(
      (await runCli(["import", join(dir, "nothing-*.json"), "--from", "pairs", "--out", out]))
        .stderr,
      `psysim: ${join(dir, "nothing-*.json")}: no .jsonl, .json, .yaml, .yml file matches\n`,
    );
  });
});
