import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../fixtures/run-cli.js";
import { runPsysim } from "../cards/run-psysim.js";
import { tempDir, writeTemp } from "../helpers.js";

function assertOneLine(
  result: { code: number | null; stderr: string },
  code: number,
  pattern: RegExp,
  what = "",
) {
  assert.equal(result.code, code, `${what}: ${result.stderr}`);
  assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
  assert.match(result.stderr, /^psysim: /);
  assert.match(result.stderr, pattern);
}

describe("CLI error format", () => {
  const dir = tempDir();
  const cards = writeTemp(
    dir,
    "cards.jsonl",
    '{"id":"c1","language":"en","chief_complaint":"x"}\n',
  );

  it("prints every usage error as one psysim: line and exits 2", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["simulate", "--cards", cards],
        /required option '--out <file>' not specified \(run psysim simulate --help for usage\)$/m,
      ],
      [
        ["simulate", "--cards", cards, "--out", "o.jsonl", "--seed=NaN"],
        /--seed expects a whole number, got "NaN"/,
      ],
      [["stats", "--outt", "x"], /unknown option '--outt'/],
      [
        ["eval"],
        /missing command: give one of fidelity, topics, stages, safety, wai \(run psysim eval --help\)/,
      ],
      [[], /missing command: give one of .*simulate/],
      [["bogus"], /unknown command 'bogus'/],
      [["stats"], /missing required argument 'files'/],
      [["ratings", "b.jsonl", "--seed", "NaN"], /--seed expects a whole number, got "NaN"/],
      [
        [
          "arena",
          "--counselors",
          "a,b",
          "--cards",
          cards,
          "--judge",
          "baseline",
          "--out",
          "o.jsonl",
          "--sessions-per-pair",
          "0",
        ],
        /--sessions-per-pair expects a whole number from 1 up, got "0"/,
      ],
      [
        [
          "arena",
          "--counselors",
          "a,b",
          "--cards",
          cards,
          "--judge",
          "baseline",
          "--out",
          "o.jsonl",
          "--prompt",
          "3",
        ],
        /--prompt expects 1 .* or 2/,
      ],
      [
        ["export", cards, "--format", "nope", "--out", dir],
        /argument 'nope' is invalid|Allowed choices/,
      ],
      [
        ["cards", "split", cards, "--test", "x", "--out", "o"],
        /--test expects a whole number from 1 up/,
      ],
    ];
    for (const [args, pattern] of cases)
      assertOneLine(await runCli(args), 2, pattern, args.join(" "));
  });

  it("prints a failure as one psysim: line and exits 1", async () => {
    assertOneLine(
      await runCli(["stats", `${dir}/missing.jsonl`]),
      1,
      /missing\.jsonl: no such file/,
    );
  });

  it("sets the exit status of the real process: 2 for usage, 1 for failures, 0 for --help", async () => {
    assertOneLine(
      await runPsysim(["simulate", "--cards", cards, "--out", "o", "--concurrency", "0"]),
      2,
      /--concurrency expects a whole number from 1 up/,
    );
    assertOneLine(await runPsysim(["stats", dir]), 1, /is a folder/);
    const help = await runPsysim(["simulate", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: psysim simulate/);
  });
});
