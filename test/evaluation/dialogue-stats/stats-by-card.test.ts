import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dialogue, RoleCard } from "../../../src/core/index.js";
import { questionAnswers } from "../../../src/evaluation/dialogue-stats/index.js";
import { createBaselineChatModel } from "../../../src/llm/providers/baseline.js";
import { simulate } from "../../../src/simulation/simulate.js";
import { runPsysim } from "../../cards/run-psysim.js";
import { tempDir } from "../../helpers.js";
import { card } from "../../simulation/fixtures.js";

const dialogue = (turns: [string, string][]): Dialogue => ({
  id: "d",
  language: "zh",
  turns: turns.map(([role, content]) => ({ role: role as "client" | "counselor", content })),
  meta: {},
});

describe("questionAnswers (share of counselor questions the client answers)", () => {
  it("counts a question followed by a client turn, and a dodge as unanswered", () => {
    const d = dialogue([
      ["client", "你好"],
      ["counselor", "最近怎么样？"],
      ["client", "睡不好，总是半夜醒。"],
      ["counselor", "这种情况多久了？"],
      ["client", "这个我现在不太想说。"],
      ["counselor", "好的，我们慢慢来。"],
      ["client", "嗯。"],
      ["counselor", "你愿意说说家里的情况吗?"],
    ]);
    // Three questions; the last has no client reply, the second is dodged: 1 answered of 2 asked.
    assert.deepEqual(questionAnswers(d), { asked: 2, answered: 1 });
  });
});

describe("psysim stats --by (CLI, baseline runs)", () => {
  it("gives one column per style with lengths per language and the answered share", async () => {
    const dir = tempDir();
    const cards: RoleCard[] = [];
    for (const style of ["reserved", "verbose"] as const)
      for (let i = 0; i < 4; i++)
        cards.push({ ...card(`${style}-${i}`), style, resistance_level: i < 2 ? "high" : "low" });
    const cardsFile = join(dir, "cards.jsonl");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(cardsFile, cards.map((c) => JSON.stringify(c)).join("\n") + "\n");
    const out = join(dir, "sim.jsonl");
    const baseline = createBaselineChatModel();
    await simulate({ cards, out, seed: 1 }, { client: baseline, counselor: baseline });

    const json = join(dir, "stats.json");
    const run = await runPsysim([
      "stats",
      out,
      "--by",
      "style",
      "--cards",
      cardsFile,
      "--json",
      json,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /style=verbose\s+style=reserved/);
    assert.match(
      run.stdout,
      /Client answers the counselor's question \(answered \/ asked\)\nstyle=verbose +\d+\.\d% \(\d+ \/ \d+\)\nstyle=reserved /,
    );
    const result = JSON.parse(readFileSync(json, "utf8"));
    const [verbose, reserved] = result.aggregates;
    assert.deepEqual(
      [reserved.group, verbose.group],
      [
        { field: "style", value: "reserved" },
        { field: "style", value: "verbose" },
      ],
    );
    assert.equal(reserved.stats.sessions, 4);
    assert.ok(reserved.by_language.zh.avg_client_length < verbose.by_language.zh.avg_client_length);

    const byLevel = await runPsysim([
      "stats",
      out,
      "--by",
      "resistance_level",
      "--cards",
      cardsFile,
      "--json",
      json,
    ]);
    assert.equal(byLevel.code, 0, byLevel.stderr);
    const levels = JSON.parse(readFileSync(json, "utf8")).aggregates;
    const share = (v: string) =>
      levels.find((a: { group: { value: string } }) => a.group.value === v).answers.share;
    // High resistance dodges every third client turn in the baseline.
    assert.ok(share("high") < share("low"), `${share("high")} vs ${share("low")}`);

    const bad = await runPsysim(["stats", out, "--by", "mood", "--cards", cardsFile]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^psysim: --by: "mood" is not a role-card field; one of gender, /);
    const missing = await runPsysim([
      "stats",
      out,
      "--by",
      "style",
      "--cards",
      join(dir, "none.jsonl"),
    ]);
    assert.equal(missing.code, 1);
  });
});
