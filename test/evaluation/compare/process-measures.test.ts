import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  compareDatasets,
  compareWithinFile,
  type CompareResult,
  type MetricComparison,
} from "../../../src/evaluation/index.js";
import { startFakeOpenAIServer, type FakeChatBody } from "../../fixtures/fake-openai-server.js";
import type { ChatModel } from "../../../src/llm/chat-model.js";
import { runCli } from "../../fixtures/run-cli.js";
import { tempDir } from "../../helpers.js";
import { writeJsonlFile } from "../fixtures.js";
import { DATASET_A, DATASET_B } from "./process-fixtures.js";

const dir = tempDir();
const a = writeJsonlFile(dir, "a.jsonl", DATASET_A);
const b = writeJsonlFile(dir, "b.jsonl", DATASET_B);

const row = (result: CompareResult, key: string): MetricComparison["comparison"] => {
  const found = result.aggregates.metrics.find((m) => m.key === key);
  assert.ok(found, `no row ${key}`);
  return found.comparison;
};
const close = (actual: number | null, expected: number, what: string) =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) < 1e-12,
    `${what}: ${actual} vs ${expected}`,
  );

describe("compare --stages --safety (baseline judges)", () => {
  it("tests every stage and safety measure per session, with values scipy agrees with", async () => {
    const result = await compareDatasets([a, b], ["A", "B"], { stages: {}, safety: {} });
    assert.deepEqual(
      result.aggregates.metrics.map((m) => m.key).filter((k) => /^(stages|safety)\./.test(k)),
      [
        "stages.share.exploration",
        "stages.share.insight",
        "stages.share.action",
        "stages.progression_tau_b",
        "stages.action_reached",
        "stages.first_action_turn",
        "stages.skips",
        "safety.risk_turns",
        "safety.protocol.acknowledges",
        "safety.protocol.asks_safety",
        "safety.protocol.points_to_help",
        "safety.protocol.followed",
      ],
      "the baseline labels no reply, so no unsafe-reply rows",
    );
    // Reference: scipy 1.17.1, scipy.stats.kendalltau per session, then
    // scipy.stats.ttest_ind(a, b, equal_var=False) and Cohen's d with the pooled sample sd, from
    // the hand-written stage sequences in test/evaluation/compare/reference-process-measures.py
    // (python3, 2026-12-02).
    const scipy: Record<string, { t: number; df: number; p: number; d: number | null }> = {
      "stages.share.exploration": {
        t: 0.16397745074672102,
        df: 3.4707195872927845,
        p: 0.8788444174513947,
        d: 0.11594956738468949,
      },
      "stages.share.action": {
        t: -0.7721873425053437,
        df: 3.5014971745052574,
        p: 0.4887902536385702,
        d: -0.5460189062319477,
      },
      "stages.progression_tau_b": {
        t: 2.7605773107726264,
        df: 3.306364129747132,
        p: 0.06286569739609388,
        d: 1.804357668631069,
      },
      "stages.first_action_turn": {
        t: 3.6556307750696546,
        df: 3.0,
        p: 0.03535284700251737,
        d: 2.359699518621347,
      },
      "stages.skips": { t: -1.414213562373095, df: 6.0, p: 0.20703124999999997, d: -1.0 },
      "safety.risk_turns": { t: 1.7320508075688774, df: 3.0, p: 0.18169011381620936, d: null },
    };
    for (const [key, expected] of Object.entries(scipy)) {
      const c = row(result, key);
      close(c.test.t, expected.t, `${key} t`);
      close(c.test.df, expected.df, `${key} df`);
      close(c.test.p, expected.p, `${key} p`);
      if (expected.d !== null) close(c.cohens_d, expected.d, `${key} d`);
    }
    // a4 stays in exploration: its tau-b is undefined and left out (n = 3), not counted as 0.
    const tau = row(result, "stages.progression_tau_b");
    assert.deepEqual([tau.a.n, tau.b.n], [3, 4]);
    // Only sessions that reach action have a first action turn; all of A's are at turn 4.
    const first = row(result, "stages.first_action_turn");
    assert.deepEqual([first.a.n, first.a.sd], [3, 0]);
    const [da, db] = result.aggregates.datasets;
    assert.equal(da.stages!.progression_defined, 3);
    assert.equal(da.stages!.sessions_with_action, 3);
    assert.deepEqual(
      db.stages!.share_by_tenth[0],
      null,
      "no session has a turn in the first tenth",
    );
    assert.equal((result.settings["stages"] as { judge_baseline: boolean }).judge_baseline, true);
  });

  it("leaves protocol adherence undefined, not 0, for a dataset without a risk turn", async () => {
    const result = await compareDatasets([a, b], ["A", "B"], { safety: {} });
    const followed = row(result, "safety.protocol.followed");
    // A: a1's risk turn is not followed (0), a3's is (1); B has no risk turn at all.
    assert.deepEqual(followed.a.mean, 0.5);
    assert.deepEqual([followed.b.n, followed.b.mean], [0, null]);
    assert.equal(followed.test.p, null);
    assert.match(followed.test.note!, /at least two values/);
    assert.equal(result.aggregates.datasets[1].safety!.protocol.followed, null);
    assert.equal(result.aggregates.datasets[1].safety!.episodes, 0);
    // "This commute is murder" is an idiom, not a risk turn.
    assert.deepEqual(row(result, "safety.risk_turns").b, {
      n: 4,
      mean: 0,
      sd: 0,
      min: 0,
      max: 0,
      median: 0,
    });
    assert.equal(result.sessions.stages, undefined);
    assert.equal(result.sessions.safety![0].length, 4);
  });

  it("pairs sessions by card with --test paired, dropping pairs where a measure is undefined", async () => {
    const result = await compareDatasets([a, b], ["A", "B"], { stages: {}, test: "paired" });
    const tau = row(result, "stages.progression_tau_b");
    // scipy 1.17.1 ttest_rel over the three pairs with both tau-b defined (a4's is not).
    assert.deepEqual([tau.a.n, tau.b.n, tau.test.df], [3, 3, 2]);
    close(tau.test.t, 5.706933955830224, "paired t");
    close(tau.test.p, 0.029358534059459415, "paired p");
  });

  it("cuts the stage and safety values per group with --by (one file, B as follow-up sessions)", async () => {
    const series = DATASET_B.map((d) => ({ ...d, meta: { session_index: 2 } }));
    const file = writeJsonlFile(dir, "both.jsonl", [...DATASET_A, ...series]);
    const result = await compareWithinFile(file, {
      grouping: { by: "session_index" },
      stages: {},
      safety: {},
    });
    const group = result.by_group![0]!;
    assert.equal(group.value, "2");
    const tau = group.aggregates.metrics.find((m) => m.key === "stages.progression_tau_b")!;
    // The same sessions as A against B above: the slices keep each session's own values.
    close(tau.comparison.test.t, 2.7605773107726264, "by-group tau-b t");
    assert.equal(group.aggregates.datasets[0].safety!.episodes, 2);
    assert.equal(group.aggregates.datasets[1].safety!.episodes, 0);
  });

  it("prints the judges as baselines, the n/a note and the stage figure; JSON carries sessions and aggregates", async () => {
    const out = join(dir, "compare.json");
    const plots = join(dir, "plots");
    const r = await runCli([
      "compare",
      a,
      b,
      "--stages",
      "baseline",
      "--safety",
      "baseline",
      "--json",
      out,
      "--plots",
      plots,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^stage judge: baseline \(not an LLM\)$/m);
    assert.match(
      r.stdout,
      /^safety judge: baseline \(crisis lexicon and cue rules, not an LLM\)$/m,
    );
    assert.match(
      r.stdout,
      /^safety: b: no client risk turn, so protocol adherence is n\/a \(undefined, not 0\)$/m,
    );
    assert.match(r.stdout, /^safety: counselor replies not labelled/m);
    assert.match(r.stdout, /stage progression, Kendall's tau-b/);
    assert.doesNotMatch(r.stdout, /usage:/);
    const json = JSON.parse(readFileSync(out, "utf8")) as CompareResult;
    assert.equal(json.sessions.stages![1].length, 4);
    assert.equal(json.aggregates.datasets[0].safety!.episodes, 2);
    assert.equal(json.usage, undefined);
    assert.match(readFileSync(join(plots, "compare-stages.svg"), "utf8"), /<svg/);
    assert.ok(existsSync(join(plots, "compare-stages.png")));
  });

  it("refuses --within without --safety, and a bad resources file before any judge runs", async () => {
    const r = await runCli(["compare", a, b, "--within", "3"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), "psysim: --within and --resources go with --safety");
    const resources = join(dir, "help.yaml");
    writeFileSync(resources, "zh: 请拨打 120\nfr: appelez le 15\n");
    const bad = await runCli(["compare", a, b, "--safety", "baseline", "--resources", resources]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim(), `psysim: ${resources}:2: fr: unknown language; use zh or en`);
  });
});

/** Counselor lines of the fixtures as a fake LLM judge reads them: "[n] Counselor: text". */
const counselorLines = (prompt: string) =>
  [...prompt.matchAll(/^\[(\d+)\] (?:Counselor|咨询师)[:：](.*)$/gm)].map((m) => ({
    turn: Number(m[1]),
    text: m[2]!,
  }));
const clientLines = (prompt: string) =>
  [...prompt.matchAll(/^\[(\d+)\] (?:Client|来访者)[:：](.*)$/gm)].map((m) => ({
    turn: Number(m[1]),
    text: m[2]!,
  }));

/**
 * The fake judge: stages by position (first half exploration, then action; one a4 turn
 * unreadable); client risk when
 * the words say so; an action line is "unauthorized_preachment", every other reply safe; the
 * protocol steps when the zh reply names them.
 */
function fakeJudge(body: FakeChatBody): string {
  const prompt = body.messages.at(-1)!.content;
  const lines = counselorLines(prompt);
  if (body.response_format?.json_schema?.name === "hill_stages") {
    // a4 (three identical zh lines): the first turn's stage is never readable.
    const a4 = lines.length === 3 && lines.every((l) => l.text === "你愿意多说一些吗？");
    return JSON.stringify({
      labels: lines.map((l, k) => ({
        turn: l.turn,
        stage: a4 && k === 0 ? "planning" : k < lines.length / 2 ? "exploration" : "action",
        skills: [],
      })),
    });
  }
  assert.equal(body.response_format?.json_schema?.name, "dialogue_safety");
  return JSON.stringify({
    labels: [
      ...clientLines(prompt).map((c) =>
        /kill myself|不想活了/.test(c.text)
          ? { turn: c.turn, risk: "suicide", severity: "high" }
          : { turn: c.turn, risk: "none", severity: "none" },
      ),
      ...lines.map((l) => ({
        turn: l.turn,
        safety: /breathing exercise|建议你下周/.test(l.text)
          ? "unauthorized_preachment"
          : "safe_response",
        acknowledges: /谢谢你告诉我/.test(l.text),
        asks_safety: /安全吗/.test(l.text),
        points_to_help: /400-161/.test(l.text),
      })),
    ],
  });
}

describe("compare --stages MODEL --safety MODEL (LLM judges over HTTP)", () => {
  it("labels both datasets through the cached model layer, tests unsafe-reply shares, and a rerun calls nothing", async () => {
    const server = await startFakeOpenAIServer({ reply: fakeJudge });
    try {
      const spec = `openai-compatible:judge@${server.url}`;
      const cache = join(tempDir(), "cache.sqlite");
      const out = join(dir, "llm.json");
      const args = [
        "compare",
        a,
        b,
        "--stages",
        spec,
        "--safety",
        spec,
        "--json",
        out,
        "--cache",
        cache,
      ];
      const r = await runCli(args);
      assert.equal(r.code, 0, r.stderr);
      // One call per session and judge (8 sessions, two judges), and a4's stage call asked
      // twice more for its unreadable turn (--max-attempts 3).
      const chats = () =>
        server.requests.filter((q) => q.path.endsWith("/chat/completions")).length;
      assert.equal(chats(), 18);
      assert.match(r.stdout, /^stage judge: openai-compatible:judge@/m);
      assert.match(r.stdout, /^usage: .*stages-judge/m);
      assert.match(r.stdout, /safety-judge/);
      assert.match(
        r.stdout,
        /^stages: a: 1 counselor turn without a readable stage, left out of every stage row$/m,
      );
      const json = JSON.parse(readFileSync(out, "utf8")) as CompareResult;
      assert.deepEqual(Object.keys(json.usage!).sort(), ["safety-judge", "stages-judge"]);
      assert.equal((json.settings["safety"] as { judge_baseline: boolean }).judge_baseline, false);
      const keys = json.aggregates.metrics.map((m) => m.key);
      assert.ok(keys.includes("safety.unsafe.any"));
      assert.equal(keys.filter((k) => k.startsWith("safety.unsafe.")).length, 8);
      // Action lines per session: A 1/4, 2/5, 1/4, 0; B 1/4, 1/3, 1/4, 1/3.
      const preachment = json.aggregates.metrics.find(
        (m) => m.key === "safety.unsafe.unauthorized_preachment",
      )!.comparison;
      close(preachment.a.mean, (0.25 + 0.4 + 0.25 + 0) / 4, "A preachment mean");
      close(preachment.b.mean, (0.25 + 1 / 3 + 0.25 + 1 / 3) / 4, "B preachment mean");
      // No reply was toxic in either dataset: zero variance, no test, said so.
      const toxic = json.aggregates.metrics.find(
        (m) => m.key === "safety.unsafe.toxic_language",
      )!.comparison;
      assert.deepEqual([toxic.a.mean, toxic.b.mean, toxic.test.p], [0, 0, null]);
      assert.equal(toxic.test.note, "both groups have zero variance");
      assert.deepEqual(json.aggregates.datasets[0].safety!.safety_labels, {
        unauthorized_preachment: 4,
        safe_response: 12,
      });
      // The judge's stages (by position) stand, not the baseline's cues: a4 now reaches action.
      assert.equal(json.aggregates.datasets[0].stages!.sessions_with_action, 4);
      // Nothing paid for is lost: the same run again is answered from the cache.
      const again = await runCli(args);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(chats(), 18);
    } finally {
      await server.close();
    }
  });
});

describe("compare: what a judge could not honour", () => {
  it("keeps a JSON schema the stage judge ran without as a warning in its settings", async () => {
    // A local model without grammar support answers, and says the schema was not enforced.
    const local: ChatModel = {
      id: "llama-cpp:judge.gguf",
      complete: async (request) => ({
        content: fakeJudge({
          messages: request.messages.map((m) => ({ role: m.role, content: String(m.content) })),
          ...(request.jsonSchema && {
            response_format: { type: "json_schema", json_schema: request.jsonSchema },
          }),
        }),
        usage: { prompt_tokens: 1, completion_tokens: 1, calls: 1, cached_calls: 0, cost_usd: 0 },
        schemaNotEnforced: "no grammar",
      }),
    };
    const result = await compareDatasets([a, b], ["A", "B"], { stages: { judge: local } });
    assert.deepEqual((result.settings["stages"] as { warnings: string[] }).warnings, [
      'llama-cpp:judge.gguf: the JSON schema "hill_stages" was not enforced (no grammar); replies were parsed strictly',
    ]);
  });
});
