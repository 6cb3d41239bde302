import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import type { Battle } from "../../src/core/battle.js";
import type { Dialogue } from "../../src/core/dialogue.js";
import {
  exportDialogues,
  type ExportDialoguesOptions,
  type ExportReport,
} from "../../src/export/index.js";
import { startFakeOpenAIServer, type FakeChatBody } from "../fixtures/fake-openai-server.js";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir, writeTemp } from "../helpers.js";
import { jsonlOf } from "./dialogue-fixtures.js";
import { readOpenAiChat, readOpenAiPreference } from "./target-format-readers.js";

/** A session whose counselor replies are given; client lines name the session. */
function session(id: string, replies: string[]): Dialogue {
  const turns: Dialogue["turns"] = [];
  replies.forEach((reply, k) => {
    turns.push({ role: "client", content: `${id} client ${k + 1}` });
    turns.push({ role: "counselor", content: reply });
  });
  return { schema: "psysim.dialogue/1", id, language: "en", turns, meta: {} };
}

/**
 * The safety judge on the fake server: reads the numbered transcript in the real prompt and
 * labels a reply containing UNSAFE as unauthorized preachment, leaves one containing SKIP out
 * of its answer (so it stays unlabelled), and every other reply safe.
 */
function judgeReply(body: FakeChatBody): string {
  const prompt = body.messages.at(-1)!.content;
  const labels = [...prompt.matchAll(/^\[(\d+)\] (Client|Counselor): (.*)$/gm)].flatMap<
    Record<string, unknown>
  >(([, n, speaker, text]) => {
    const turn = Number(n);
    if (speaker === "Client") return [{ turn, risk: "none", severity: "none" }];
    if (text!.includes("SKIP")) return [];
    return [
      {
        turn,
        safety: text!.includes("UNSAFE") ? "unauthorized_preachment" : "safe_response",
        acknowledges: false,
        asks_safety: false,
        points_to_help: false,
      },
    ];
  });
  return JSON.stringify({ labels });
}

async function judgeSafety(dialogues: string, out: string, url: string): Promise<void> {
  const r = await runCli([
    "eval",
    "safety",
    "--dialogues",
    dialogues,
    "--judge",
    `openai-compatible:judge@${url}`,
    "--max-attempts",
    "1",
    "--json",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
}

const report = (dir: string, name: string) =>
  JSON.parse(readFileSync(join(dir, `${name}_hygiene.json`), "utf8")) as ExportReport;

describe("export --drop-unsafe", () => {
  it("leaves out replies an LLM safety judge labelled unsafe: the per-turn sample, or the rest of a per-session sample", async () => {
    const server = await startFakeOpenAIServer({ reply: judgeReply });
    try {
      const dir = tempDir();
      const input = writeTemp(
        dir,
        "dialogues.jsonl",
        jsonlOf([
          session("s1", ["s1 fine 1", "s1 UNSAFE 2", "s1 fine 3"]),
          session("s2", ["s2 fine 1", "s2 SKIP 2"]),
          session("s3", ["s3 fine 1"]),
        ]),
      );
      const safety = join(dir, "safety.json");
      await judgeSafety(input, safety, server.url);

      const perTurn = join(dir, "per-turn");
      const r = await runCli([
        "export",
        input,
        "--format",
        "openai",
        "--out",
        perTurn,
        "--val-ratio",
        "0",
        "--system-prompt",
        "none",
        "--no-sigma",
        "--drop-unsafe",
        safety,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const targets = readOpenAiChat(join(perTurn, "psysim_train.jsonl")).map(
        (s) => s.messages.at(-1)!.content,
      );
      assert.deepEqual(targets.sort(), [
        "s1 fine 1",
        "s1 fine 3",
        "s2 SKIP 2",
        "s2 fine 1",
        "s3 fine 1",
      ]);
      assert.match(r.stdout, /, 1 unsafe removed/);
      assert.match(
        r.stdout,
        /unsafe replies \(eval safety, judge openai-compatible:judge@http:\/\/127\.0\.0\.1:\d+\/v1\): 1 of 5 labelled target replies; 1 left unlabelled by the judge, kept/,
      );
      assert.match(r.stderr, /warning: --drop-unsafe: 1 target replies have no safety label/);
      const rep = report(perTurn, "psysim");
      assert.equal(rep.samples.unsafe_removed, 1);
      assert.equal(rep.samples.flagged_removed, 0);
      assert.equal(rep.flags.by_flag["unsafe:unauthorized_preachment"], 1);
      assert.deepEqual(rep.unsafe!.replies, { safe: 4, unsafe: 1, unlabelled: 1, not_judged: 0 });
      assert.equal(rep.unsafe!.dialogues.file, input);
      assert.equal(
        rep.unsafe!.sha256,
        createHash("sha256").update(readFileSync(safety)).digest("hex"),
      );
      assert.equal(rep.settings["drop_unsafe"], safety);

      const perSession = join(dir, "per-session");
      const s = await runCli([
        "export",
        input,
        "--format",
        "openai",
        "--samples",
        "per-session",
        "--out",
        perSession,
        "--val-ratio",
        "0",
        "--system-prompt",
        "none",
        "--no-sigma",
        "--drop-unsafe",
        safety,
      ]);
      assert.equal(s.code, 0, s.stderr);
      const s1 = readOpenAiChat(join(perSession, "psysim_train.jsonl")).find((x) =>
        x.messages[0]!.content.startsWith("s1 "),
      )!;
      // The session ends on its last reply before the unsafe one: a whole, well-formed sample.
      assert.deepEqual(
        s1.messages.map((m) => m.content),
        ["s1 client 1", "s1 fine 1"],
      );
      // The unsafe reply and the one after it are cut.
      assert.equal(report(perSession, "psysim").samples.unsafe_removed, 2);
    } finally {
      await server.close();
    }
  });

  it("per session, the first reply to drop decides where the sample ends and which count the cut replies go to", async () => {
    const dir = tempDir();
    const input = writeTemp(
      dir,
      "dialogues.jsonl",
      jsonlOf([session("s1", ["s1 ok 1", "s1 call me on 13812345678", "s1 harsh 3"])]),
    );
    // An LLM judge's result on this very file, as eval safety writes it (fields read by export).
    const safety = writeTemp(
      dir,
      "safety.json",
      JSON.stringify({
        schema: "psysim.evaluation/1",
        kind: "safety",
        inputs: [
          {
            role: "dialogues",
            file: input,
            sha256: createHash("sha256").update(readFileSync(input)).digest("hex"),
          },
        ],
        settings: { judge: "openai:judge", judge_baseline: false },
        sessions: [
          {
            id: "s1",
            counselor_turns: [
              { turn: 1, safety: "safe_response" },
              { turn: 3, safety: "safe_response" },
              { turn: 5, safety: "toxic_language" },
            ],
          },
        ],
      }),
    );
    const run = (name: string, dropFlagged: boolean) => {
      const options: ExportDialoguesOptions = {
        input,
        outDir: join(dir, name),
        format: "openai",
        samples: "per-session",
        systemPrompt: { label: "none", forLanguage: () => undefined },
        valRatio: 0,
        seed: 1,
        name: "psysim",
        backbone: "Qwen/Qwen2-7B-Instruct",
        precision: "bf16",
        dropFlagged,
        dropUnsafe: safety,
      };
      return exportDialogues(options);
    };
    const lastReply = (name: string) =>
      readOpenAiChat(join(dir, name, "psysim_train.jsonl"))[0]!.messages.at(-1)!.content;

    // Unsafe only: the sample ends on the phone-number reply, which is flagged but kept.
    const unsafeOnly = await run("unsafe-only", false);
    assert.equal(lastReply("unsafe-only"), "s1 call me on 13812345678");
    assert.deepEqual(
      [unsafeOnly.samples.unsafe_removed, unsafeOnly.samples.flagged_removed],
      [1, 0],
    );
    assert.deepEqual(unsafeOnly.flags.by_flag, {
      "anomaly:phone-number": 1,
      "unsafe:toxic_language": 1,
    });
    // With --drop-flagged the phone number cuts first: both later replies count as flagged.
    const both = await run("both", true);
    assert.equal(lastReply("both"), "s1 ok 1");
    assert.deepEqual([both.samples.unsafe_removed, both.samples.flagged_removed], [0, 2]);
  });

  it("refuses, in one line each, a result on another file, a baseline result and a file that is not a safety result", async () => {
    const dir = tempDir();
    const input = writeTemp(dir, "dialogues.jsonl", jsonlOf([session("s1", ["fine"])]));
    const baseline = join(dir, "baseline.json");
    assert.equal(
      (await runCli(["eval", "safety", "--dialogues", input, "--json", baseline])).code,
      0,
    );
    const exportWith = (safety: string, file = input) =>
      runCli([
        "export",
        file,
        "--format",
        "openai",
        "--out",
        join(dir, "out"),
        "--drop-unsafe",
        safety,
      ]);

    const b = await exportWith(baseline);
    assert.equal(b.code, 1);
    assert.equal(
      b.stderr,
      `psysim: ${baseline}: settings.judge: "baseline (crisis lexicon and cue rules, not an LLM)" labels no counselor reply (the baseline cannot judge replies against the taxonomy); run psysim eval safety --dialogues ${input} --judge MODEL --json FILE with an LLM judge\n`,
    );

    // A result on the file before it changed: the turn indices may no longer be the same turns.
    const llm = JSON.parse(readFileSync(baseline, "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    llm["settings"]!["judge_baseline"] = false;
    const stale = writeTemp(dir, "stale.json", JSON.stringify(llm));
    appendFileSync(input, jsonlOf([session("s2", ["also fine"])]));
    const m = await exportWith(stale);
    assert.equal(m.code, 1);
    assert.match(
      m.stderr,
      new RegExp(
        `^psysim: ${stale}: inputs\\.0\\.sha256: labels ${input} \\(sha256 [0-9a-f]{12}…\\), not ${input} \\(sha256 [0-9a-f]{12}…\\); run psysim eval safety --dialogues ${input} --judge MODEL --json FILE\\n$`,
      ),
    );

    const wai = writeTemp(dir, "wai.json", JSON.stringify({ ...llm, kind: "wai" }));
    const w = await exportWith(wai);
    assert.equal(w.code, 1);
    assert.match(
      w.stderr,
      new RegExp(
        `^psysim: ${wai}: kind: a wai result, not a safety result; expected the --json result of psysim eval safety`,
      ),
    );
    writeFileSync(join(dir, "broken.json"), "{");
    const j = await exportWith(join(dir, "broken.json"));
    assert.equal(j.code, 1);
    assert.match(
      j.stderr,
      /^psysim: .*broken\.json: not valid JSON \(.*\); expected the --json result of psysim eval safety\n$/,
    );
  });

  it("dpo: leaves out a pair whose chosen reply the judge labelled unsafe on the arena dialogues, and keeps picks that are not the dialogue's turn", async () => {
    const server = await startFakeOpenAIServer({ reply: judgeReply });
    try {
      const dir = tempDir();
      // As the arena writes it: the pick continues the session.
      const d = session("d1", ["pick 1", "pick UNSAFE 2", "pick 3"]);
      const dialogues = writeTemp(dir, "arena-dialogues.jsonl", jsonlOf([d]));
      const ref = (turn: number) =>
        createHash("sha256")
          .update(
            JSON.stringify(
              d.turns.slice(0, 2 * turn - 1).map((t) => ({ content: t.content, role: t.role })),
            ),
          )
          .digest("hex");
      const battle = (turn: number, winner: "a" | "b"): Battle => ({
        schema: "psysim.battle/1",
        id: `d1/turn-${turn}`,
        dialogue_id: "d1",
        turn,
        history_ref: ref(turn),
        model_a: "alpha",
        model_b: "beta",
        response_a: d.turns[2 * turn - 1]!.content,
        response_b: `other ${turn}`,
        winner,
        judge: "human:ann1",
        ts: "2025-01-01T00:00:00Z",
      });
      // Turn 3: a human picked the candidate the session did not continue with.
      const battles = writeTemp(
        dir,
        "battles.jsonl",
        jsonlOf([battle(1, "a"), battle(2, "a"), battle(3, "b")]),
      );
      const safety = join(dir, "safety.json");
      await judgeSafety(dialogues, safety, server.url);
      const out = join(dir, "dpo");
      const r = await runCli([
        "export",
        battles,
        "--format",
        "openai-dpo",
        "--dialogues",
        dialogues,
        "--out",
        out,
        "--val-ratio",
        "0",
        "--no-sigma",
        "--drop-unsafe",
        safety,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const chosen = readOpenAiPreference(join(out, "psysim_dpo_train.jsonl")).map(
        (p) => p.chosen!,
      );
      assert.deepEqual(chosen, ["pick 1", "other 3"]);
      const rep = report(out, "psysim_dpo");
      assert.equal(rep.samples.unsafe_removed, 1);
      assert.deepEqual(rep.unsafe!.replies, { safe: 1, unsafe: 1, unlabelled: 0, not_judged: 1 });
      assert.match(
        r.stdout,
        /pairs: 2 train, 0 validation; 0 duplicates removed, 1 unsafe removed/,
      );
      assert.match(
        r.stderr,
        /warning: --drop-unsafe: 1 chosen replies have no safety label and were kept \(0 left unlabelled by the judge, 1 not in .*safety\.json, e\.g\. a pick that is not the arena dialogue's continuation\)/,
      );
    } finally {
      await server.close();
    }
  });
});
