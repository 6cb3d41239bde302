import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../fixtures/run-cli.js";
import { MAX_RECORD_BYTES } from "../../src/core/input-file.js";
import { tempDir } from "../helpers.js";

/**
 * Every bad input through every command that reads it, through the real CLI: one
 * `psysim:` line, the documented exit status, and the input's bytes unchanged. The rule is
 * the same everywhere (README "Data"); the few commands that clean data (import, export)
 * report a repeated id per record and skip it instead, as the table says.
 */
type Kind = "cards" | "dialogues" | "battles" | "outside";

interface Command {
  name: string;
  reads: Kind;
  argv: (input: string, out: string) => string[];
  /** What this command does with a repeated id when it differs from refusing the file. */
  duplicates?: "skipped" | RegExp;
  /** Bad inputs this command accepts on purpose: an empty shard (merge), a folder of files (import). */
  accepts?: string[];
  /** A checker that lists every problem line by line, then one `psysim:` summary line. */
  lists?: boolean;
  /** Whether `out` is a folder (export) rather than a file. */
  outIsFolder?: boolean;
  writes?: boolean;
}

const dir = tempDir("psysim-bad-inputs-");
const good = { cards: "", dialogues: "", battles: "", config: "", arenaDialogues: "" };

const COMMANDS: Command[] = [
  {
    name: "simulate",
    reads: "cards",
    writes: true,
    argv: (i, o) => [
      "simulate",
      "--cards",
      i,
      "--out",
      o,
      "--client",
      "baseline",
      "--counselor",
      "baseline",
    ],
  },
  {
    name: "arena",
    reads: "cards",
    writes: true,
    argv: (i, o) => [
      "arena",
      "--counselors",
      "a,b",
      "--cards",
      i,
      "--judge",
      "baseline",
      "--out",
      o,
      "--config",
      good.config,
      "--max-turns",
      "2",
    ],
  },
  {
    name: "eval fidelity (cards)",
    reads: "cards",
    writes: true,
    argv: (i, o) => [
      "eval",
      "fidelity",
      "--dialogues",
      good.dialogues,
      "--cards",
      i,
      "--embeddings",
      "none",
      "--json",
      o,
    ],
  },
  { name: "cards validate", reads: "cards", lists: true, argv: (i) => ["cards", "validate", i] },
  { name: "cards stats", reads: "cards", argv: (i) => ["cards", "stats", i] },
  {
    name: "cards assign",
    reads: "cards",
    writes: true,
    argv: (i, o) => ["cards", "assign", i, "--styles", "plain,upset", "--out", o],
  },
  {
    name: "cards split",
    reads: "cards",
    writes: true,
    argv: (i, o) => ["cards", "split", i, "--test", "1", "--out", o],
  },
  { name: "stats", reads: "dialogues", writes: true, argv: (i, o) => ["stats", i, "--json", o] },
  {
    name: "eval fidelity",
    reads: "dialogues",
    writes: true,
    argv: (i, o) => [
      "eval",
      "fidelity",
      "--dialogues",
      i,
      "--cards",
      good.cards,
      "--embeddings",
      "none",
      "--json",
      o,
    ],
  },
  {
    name: "eval stages",
    reads: "dialogues",
    writes: true,
    argv: (i, o) => ["eval", "stages", "--dialogues", i, "--json", o],
  },
  {
    name: "eval topics",
    reads: "dialogues",
    writes: true,
    argv: (i, o) => [
      "eval",
      "topics",
      "--dialogues",
      i,
      "--judge",
      "baseline",
      "--rounds",
      "1",
      "--json",
      o,
    ],
  },
  {
    name: "eval wai",
    reads: "dialogues",
    writes: true,
    argv: (i, o) => [
      "eval",
      "wai",
      "--dialogues",
      i,
      "--judge",
      "baseline",
      "--rounds",
      "1",
      "--json",
      o,
    ],
  },
  {
    name: "compare",
    reads: "dialogues",
    writes: true,
    argv: (i, o) => ["compare", i, good.dialogues, "--json", o],
  },
  {
    name: "export",
    reads: "dialogues",
    writes: true,
    outIsFolder: true,
    duplicates: "skipped",
    argv: (i, o) => ["export", i, "--format", "openai", "--out", o],
  },
  {
    name: "merge",
    reads: "dialogues",
    writes: true,
    accepts: ["an empty file"],
    duplicates: /:2: id: "[^"]+" is also in .*:1/,
    argv: (i, o) => ["merge", i, "--out", o],
  },
  {
    name: "report (dataset)",
    reads: "dialogues",
    writes: true,
    argv: (i, o) => ["report", "--dataset", `sim=${i}`, "--out", o],
  },
  {
    name: "judge-agreement (dialogues)",
    reads: "dialogues",
    argv: (i) => [
      "judge-agreement",
      "--battles",
      good.battles,
      "--dialogues",
      i,
      "--judge",
      "baseline",
    ],
  },
  {
    name: "ratings",
    reads: "battles",
    writes: true,
    argv: (i, o) => ["ratings", i, "--bootstrap", "0", "--json", o],
  },
  {
    name: "judge-agreement",
    reads: "battles",
    writes: true,
    argv: (i, o) => [
      "judge-agreement",
      "--battles",
      i,
      "--dialogues",
      good.arenaDialogues,
      "--judge",
      "baseline",
      "--out",
      o,
    ],
  },
  {
    name: "export dpo",
    reads: "battles",
    writes: true,
    outIsFolder: true,
    duplicates: "skipped",
    argv: (i, o) => [
      "export",
      i,
      "--format",
      "dpo",
      "--dialogues",
      good.arenaDialogues,
      "--out",
      o,
    ],
  },
  {
    name: "report (battles)",
    reads: "battles",
    writes: true,
    argv: (i, o) => ["report", "--battles", i, "--bootstrap", "0", "--out", o],
  },
  {
    name: "import",
    reads: "outside",
    accepts: ["a folder"],
    writes: true,
    duplicates: "skipped",
    argv: (i, o) => ["import", i, "--from", "openai", "--out", o],
  },
];

interface BadInput {
  name: string;
  /** The file (or folder) to give; `first` is one good record of the command's kind. */
  make: (first: string, path: string) => void;
  code: number;
  line: RegExp;
}

const BAD_INPUTS: BadInput[] = [
  {
    name: "a folder",
    make: (_, path) => mkdirSync(path),
    code: 1,
    line: /: is a folder, expected a file$/,
  },
  {
    name: "invalid UTF-8",
    make: (first, path) =>
      writeFileSync(
        path,
        Buffer.concat([Buffer.from(first + "\n"), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])]),
      ),
    code: 1,
    line: /:2: not valid UTF-8 \(save the file as UTF-8\)$/,
  },
  {
    name: "an empty file",
    make: (_, path) => writeFileSync(path, "\n\n"),
    code: 1,
    line: /: no records \(the file is empty\)$/,
  },
  {
    name: "a record over the size limit",
    make: (first, path) =>
      writeFileSync(path, first + "\n" + `{"id":"big","pad":"${"x".repeat(MAX_RECORD_BYTES)}"}\n`),
    code: 1,
    line: /:2: record is larger than 8 MiB, the limit per record/,
  },
  {
    name: "a line that is not JSON",
    make: (first, path) => writeFileSync(path, first + "\nhello\n"),
    code: 1,
    line: /:2: not valid JSON/,
  },
  {
    name: "a repeated id",
    make: (first, path) => writeFileSync(path, first + "\n" + first + "\n"),
    code: 1,
    line: /:2: id: duplicate id "[^"]+" \(first on line 1\)/,
  },
];

function firstRecord(kind: Kind): string {
  if (kind === "outside")
    return JSON.stringify({
      id: "o1",
      messages: [
        { role: "user", content: "I cannot sleep." },
        { role: "assistant", content: "That sounds hard. What keeps you awake?" },
      ],
    });
  return readFileSync(good[kind], "utf8").split("\n")[0]!;
}

function snapshot(path: string): string {
  try {
    return readFileSync(path).toString("base64");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? "unreadable";
  }
}

function assertOneLine(
  result: { code: number; stderr: string },
  code: number,
  line: RegExp,
  what: string,
) {
  assert.equal(result.code, code, `${what}: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${what}: ${result.stderr}`);
  assert.match(lines[0]!, /^psysim: /, what);
  assert.match(lines[0]!, line, what);
}

describe("bad inputs through every command", () => {
  before(async () => {
    good.cards = join(dir, "cards.jsonl");
    writeFileSync(
      good.cards,
      [
        { id: "c1", language: "en", chief_complaint: "I feel lonely at university." },
        { id: "c2", language: "en", chief_complaint: "My exams make me anxious." },
      ]
        .map((c) => JSON.stringify(c))
        .join("\n") + "\n",
    );
    good.config = join(dir, "psysim.yaml");
    writeFileSync(
      good.config,
      "counselors:\n  a: { model: baseline, system_prompt: three-stage }\n  b: { model: baseline, system_prompt: none }\n",
    );
    good.dialogues = join(dir, "dialogues.jsonl");
    const sim = await runCli([
      "simulate",
      "--cards",
      good.cards,
      "--out",
      good.dialogues,
      "--client",
      "baseline",
      "--counselor",
      "baseline",
    ]);
    assert.equal(sim.code, 0, sim.stderr);
    const arenaOut = join(dir, "battles.jsonl");
    const arena = await runCli([
      "arena",
      "--counselors",
      "a,b",
      "--cards",
      good.cards,
      "--judge",
      "baseline",
      "--out",
      arenaOut,
      "--dialogues-out",
      (good.arenaDialogues = join(dir, "arena-dialogues.jsonl")),
      "--config",
      good.config,
      "--max-turns",
      "2",
    ]);
    assert.equal(arena.code, 0, arena.stderr);
    good.battles = arenaOut;
  });

  let n = 0;
  for (const bad of BAD_INPUTS)
    it(`refuses ${bad.name} with one line, leaving it unchanged`, async () => {
      for (const command of COMMANDS) {
        if (command.accepts?.includes(bad.name)) continue;
        const input = join(dir, `in-${++n}.jsonl`);
        bad.make(firstRecord(command.reads), input);
        const before = snapshot(input);
        const out = join(dir, `out-${n}${command.outIsFolder ? "" : ".out"}`);
        const result = await runCli(command.argv(input, out));
        const what = `${command.name} on ${bad.name}`;
        if (bad.name === "a repeated id" && command.duplicates === "skipped") {
          assert.match(result.stderr, /:2: .*duplicate .*"[^"]+".*\(skipped\)/, what);
        } else if (command.lists && bad.name !== "a folder" && bad.name !== "an empty file") {
          assert.equal(result.code, 1, what);
          const [problem, summary, ...rest] = result.stderr.trimEnd().split("\n");
          assert.match(problem!, bad.line, what);
          assert.match(summary!, /^psysim: .*: 1 problem on 1 line; fix the lines above$/, what);
          assert.deepEqual(rest, [], what);
        } else if (bad.name === "a repeated id" && command.duplicates instanceof RegExp)
          assertOneLine(result, 1, command.duplicates, what);
        else assertOneLine(result, bad.code, bad.line, what);
        assert.equal(snapshot(input), before, `${what}: the input changed`);
      }
    });

  it("refuses an output that is an input (also through a symlink) before opening anything", async () => {
    const { symlinkSync } = await import("node:fs");
    for (const command of COMMANDS.filter((c) => c.writes && !c.outIsFolder)) {
      const input = join(dir, `same-${++n}.jsonl`);
      writeFileSync(
        input,
        readFileSync(command.reads === "outside" ? good.dialogues : good[command.reads]),
      );
      if (command.reads === "outside") writeFileSync(input, firstRecord("outside") + "\n");
      const link = join(dir, `link-${n}.jsonl`);
      symlinkSync(input, link);
      const before = snapshot(input);
      for (const out of [input, link]) {
        const result = await runCli(command.argv(input, out));
        assertOneLine(
          result,
          2,
          /: is the input .* \(.+\); writing it would destroy the input/,
          `${command.name} --out ${out}`,
        );
        assert.equal(snapshot(input), before, `${command.name}: the input changed`);
      }
    }
  });

  it("refuses to add to or replace an existing file that is not its own kind of output", async () => {
    for (const command of COMMANDS.filter((c) =>
      ["simulate", "arena", "cards assign", "import", "judge-agreement"].includes(c.name),
    )) {
      const notes = join(dir, `notes-${++n}.txt`);
      writeFileSync(notes, "my notes\nthe last line has no newline");
      const input = join(dir, `input-${n}.jsonl`);
      writeFileSync(
        input,
        command.reads === "outside"
          ? firstRecord("outside") + "\n"
          : readFileSync(good[command.reads]),
      );
      const result = await runCli(command.argv(input, notes));
      assertOneLine(result, 2, /notes-\d+\.txt: exists and is not a psysim \w+ file/, command.name);
      assert.equal(readFileSync(notes, "utf8"), "my notes\nthe last line has no newline");
    }
  });

  it("replaces a --json file only when it is empty or its own command's result", async () => {
    const byCommand = new Map<string, Command>();
    for (const c of COMMANDS) {
      const json = c.argv("in", "out").indexOf("--json");
      if (json > 0) byCommand.set(c.argv("in", "out").slice(0, json).join(" "), c);
    }
    for (const command of byCommand.values()) {
      const input = join(dir, `json-input-${++n}.jsonl`);
      writeFileSync(input, readFileSync(good[command.reads as Exclude<Kind, "outside">]));
      const out = join(dir, `result-${n}.json`);
      const other =
        command.name === "ratings"
          ? { schema: "psysim.evaluation/1", kind: "stats" }
          : { schema: "psysim.ratings/1" };
      for (const [content, line] of [
        ["my notes\n", /: exists and is not a psysim \S+ result \(no "schema"/],
        ['{"schema": "my.own/1"}', /: exists and is not a psysim \S+ result/],
        [JSON.stringify(other), /: exists and holds a psysim \S+ result, not a psysim \S+ result/],
      ] as const) {
        writeFileSync(out, content);
        assertOneLine(await runCli(command.argv(input, out)), 2, line, command.name);
        assert.equal(readFileSync(out, "utf8"), content, `${command.name}: the file changed`);
      }
      writeFileSync(out, "");
      for (const run of ["into an empty file", "over its own result"]) {
        const result = await runCli(command.argv(input, out));
        assert.equal(result.code, 0, `${command.name} ${run}: ${result.stderr}`);
        const written = JSON.parse(readFileSync(out, "utf8")) as { schema: string };
        assert.match(written.schema, /^psysim\.[a-z-]+\/1$/, `${command.name} ${run}`);
      }
    }
  });

  it("knows what every command's --json <file> holds, to check it before any work", async () => {
    const { buildProgram } = await import("../../src/cli/program.js");
    const { JSON_RESULTS } = await import("../../src/cli/output-roles.js");
    const missing: string[] = [];
    const visit = (command: import("commander").Command, path: string[]) => {
      for (const sub of command.commands) {
        const name = [...path, sub.name()];
        if (sub.options.some((o) => o.long === "--json" && o.required))
          if (!JSON_RESULTS[name.join(" ")]) missing.push(name.join(" "));
        visit(sub, name);
      }
    };
    visit(await buildProgram(), []);
    assert.deepEqual(missing, [], "add these commands to JSON_RESULTS in src/cli/output-roles.ts");
  });
});
