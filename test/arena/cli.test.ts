import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runPsysim } from "../cards/run-psysim.js";
import { runCli } from "../fixtures/run-cli.js";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { tempDir, writeTemp } from "../helpers.js";
import { arenaReply, sensibleJudge } from "./fake-arena-replies.js";

function battleLine(
  id: string,
  a: string,
  b: string,
  winner: string | null,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    id,
    dialogue_id: `d-${id}`,
    turn: 1,
    history_ref: "h",
    model_a: a,
    model_b: b,
    response_a: "x",
    response_b: "yy",
    winner,
    judge: "llm:m:2",
    ts: "2025-01-01T00:00:00Z",
    ...extra,
  });
}

/** Exit 2 for a bad command line (a flag's value), 1 for everything else. */
function assertOneLineFailure(
  result: { code: number | null; stdout: string; stderr: string },
  pattern: RegExp,
  code = 1,
): void {
  assert.equal(result.code, code, result.stderr);
  assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
  assert.match(result.stderr, /^psysim: /);
  assert.match(result.stderr, pattern);
}

describe("psysim ratings and arena on the command line", () => {
  let server: FakeOpenAIServer;
  before(async () => {
    server = await startFakeOpenAIServer({ reply: (body) => arenaReply(body, sensibleJudge) });
  });
  after(() => server.close());

  it("runs a whole arena against the fake server from psysim.yaml, then rates it", async () => {
    const dir = tempDir();
    const model = (name: string) =>
      `{ provider: openai-compatible, base_url: "${server.url}", model: ${name} }`;
    const config = writeTemp(
      dir,
      "psysim.yaml",
      `models:\n  judge: ${model("judge")}\n  client: ${model("client")}\nsimulation: { client: client }\ncounselors:\n  warm: { model: ${model("warm")}, temperature: 0.95, top_p: 0.7 }\n  flat: { model: ${model("flat")}, system_prompt: none }\n`,
    );
    const cards = writeTemp(
      dir,
      "cards.jsonl",
      [
        '{"id":"c1","language":"en","chief_complaint":"I cannot sleep."}',
        '{"id":"c2","language":"en","chief_complaint":"I argue with my father."}',
      ].join("\n") + "\n",
    );
    const out = join(dir, "battles.jsonl");
    const run = await runCli([
      "arena",
      "--config",
      config,
      "--counselors",
      "warm,flat",
      "--cards",
      cards,
      "--judge",
      "judge",
      "--out",
      out,
      "--max-turns",
      "3",
      "--sessions-per-pair",
      "2",
      "--cache",
      join(dir, "cache.sqlite"),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^arena: 2 sessions, 6 battles judged by llm:judge:2 → /);
    assert.equal(
      readFileSync(join(dir, "battles.dialogues.jsonl"), "utf8").trimEnd().split("\n").length,
      2,
    );

    const json = join(dir, "ratings.json");
    const plots = join(dir, "plots");
    const rated = await runCli([
      "ratings",
      out,
      "--bootstrap",
      "50",
      "--json",
      json,
      "--plots",
      plots,
    ]);
    assert.equal(rated.code, 0, rated.stderr);
    const result = JSON.parse(readFileSync(json, "utf8")) as {
      leaderboards: {
        all: {
          rows: { model: string; rank: number }[];
          bradleyTerry: { separation: { groups: string[][] } | null };
        };
      };
    };
    assert.deepEqual(
      result.leaderboards.all.rows.map((r) => r.model),
      ["warm", "flat"],
    );
    // warm won every battle: the fit needs pseudo-ties, and says so.
    assert.deepEqual(result.leaderboards.all.bradleyTerry.separation?.groups, [["warm"], ["flat"]]);
    assert.match(rated.stdout, /no finite maximum-likelihood fit/);
    for (const f of ["ratings.svg", "ratings.png", "battle-matrix.svg", "battle-matrix.png"])
      assert.ok(existsSync(join(plots, f)), f);
  });

  it("prints the leaderboard from a real psysim process", async () => {
    const dir = tempDir();
    const file = writeTemp(
      dir,
      "b.jsonl",
      [
        battleLine("1", "A", "B", "a"),
        battleLine("2", "A", "B", "b"),
        battleLine("3", "B", "A", "tie"),
        battleLine("4", "A", "B", "a"),
      ].join("\n") + "\n",
    );
    const result = await runPsysim(["ratings", file, "--bootstrap", "20"]);
    assert.equal(result.code, 0, result.stderr);
    // By hand: A scores 2 + ½ of 4 → 400·log10(2.5/1.5) = 88.7 apart, ±44.4 around 1000.
    assert.match(result.stdout, /^1 +A +1044\.4 /m);
    assert.match(result.stdout, /^1 +B +955\.6 /m);
  });

  it("reports a bad battle line as file:line: field: reason and writes nothing", async () => {
    const dir = tempDir();
    const file = writeTemp(
      dir,
      "b.jsonl",
      [battleLine("1", "A", "B", "a"), JSON.stringify({ id: "2", dialogue_id: "d", turn: 1 })].join(
        "\n",
      ) + "\n",
    );
    const json = join(dir, "out.json");
    const result = await runCli(["ratings", file, "--json", json]);
    assertOneLineFailure(
      result,
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: history_ref: `),
    );
    assert.equal(existsSync(json), false);
  });

  it("refuses a battle of a model against itself, a malformed or unknown anchor, and a missing file, each in one line", async () => {
    const dir = tempDir();
    const self = writeTemp(dir, "self.jsonl", battleLine("1", "A", "A", "a") + "\n");
    assertOneLineFailure(
      await runCli(["ratings", self]),
      /self\.jsonl:1: model_b: same model as model_a/,
    );
    const good = writeTemp(
      dir,
      "good.jsonl",
      [battleLine("1", "A", "B", "a"), battleLine("2", "A", "B", "b")].join("\n") + "\n",
    );
    assertOneLineFailure(
      await runCli(["ratings", good, "--anchor", "A"]),
      /--anchor expects MODEL=RATING/,
      2,
    );
    assertOneLineFailure(
      await runCli(["ratings", good, "--anchor", "Z=1000"]),
      /anchor model "Z" has no rated battles/,
    );
    assertOneLineFailure(
      await runCli(["ratings", join(dir, "missing.jsonl")]),
      /missing\.jsonl: no such file/,
    );
    assertOneLineFailure(
      await runCli(["ratings", good, "--bootstrap", "-3"]),
      /--bootstrap expects a whole number from 0 up/,
      2,
    );
    assertOneLineFailure(
      await runCli(["ratings", good, "--order", "random"]),
      /--order accepts time or file, got "random"/,
      2,
    );
  });

  it("refuses bad arena settings before any model is called", async () => {
    const dir = tempDir();
    const cards = writeTemp(
      dir,
      "cards.jsonl",
      '{"id":"c1","language":"zh","chief_complaint":"我睡不着。"}\n',
    );
    const out = join(dir, "b.jsonl");
    const requests = server.requests.length;
    assertOneLineFailure(
      await runCli([
        "arena",
        "--counselors",
        "baseline",
        "--cards",
        cards,
        "--judge",
        "baseline",
        "--out",
        out,
      ]),
      /--counselors needs at least two different names/,
      2,
    );
    assertOneLineFailure(
      await runCli([
        "arena",
        "--counselors",
        "a,b",
        "--cards",
        cards,
        "--judge",
        "baseline",
        "--out",
        out,
        "--prompt",
        "3",
      ]),
      /--prompt expects 1 .* or 2/,
      2,
    );
    const config = writeTemp(
      dir,
      "psysim.yaml",
      "counselors:\n  hot: { model: baseline, temperature: 5 }\n  cool: baseline\n",
    );
    assertOneLineFailure(
      await runCli([
        "arena",
        "--config",
        config,
        "--counselors",
        "hot,cool",
        "--cards",
        cards,
        "--judge",
        "baseline",
        "--out",
        out,
      ]),
      /psysim\.yaml: counselors\.hot\.temperature: /,
    );
    writeFileSync(
      config,
      "counselors:\n  odd: { model: baseline, system_prompt: prompts/missing.txt }\n  cool: baseline\n",
    );
    assertOneLineFailure(
      await runCli([
        "arena",
        "--config",
        config,
        "--counselors",
        "odd,cool",
        "--cards",
        cards,
        "--judge",
        "baseline",
        "--out",
        out,
      ]),
      /counselors\.odd\.system_prompt: "prompts\/missing\.txt" is neither/,
    );
    assert.equal(existsSync(out), false);
    assert.equal(server.requests.length, requests);
  });
});
