import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { approximateTokens } from "../../../src/export/token-estimate.js";
import {
  startFakeOpenAIServer,
  type FakeChatBody,
  type FakeOpenAIServer,
} from "../../fixtures/fake-openai-server.js";
import { runCli } from "../../fixtures/run-cli.js";
import { tempDir } from "../../helpers.js";
import { dialogue, writeJsonlFile } from "../fixtures.js";

/**
 * A stage or safety judge that answers every listed turn readably, read off the numbered
 * transcript in the real prompt, so a real run makes exactly one call per session and round.
 */
function judgeReply(body: FakeChatBody): string {
  const prompt = body.messages.at(-1)!.content;
  const turns = [...prompt.matchAll(/^\[(\d+)\] (来访者|咨询师|Client|Counselor)/gm)].map(
    ([, n, who]) => ({ turn: Number(n), counselor: who === "咨询师" || who === "Counselor" }),
  );
  const stages = body.response_format?.json_schema?.name === "hill_stages";
  const labels = turns.flatMap<Record<string, unknown>>(({ turn, counselor }) => {
    if (stages) return counselor ? [{ turn, stage: "exploration", skills: [] }] : [];
    return [
      counselor
        ? {
            turn,
            safety: "safe_response",
            acknowledges: true,
            asks_safety: false,
            points_to_help: false,
          }
        : { turn, risk: "none", severity: "none" },
    ];
  });
  return JSON.stringify({ labels });
}

const sessions = [
  dialogue("s1", "zh", [
    ["client", "你好，我最近总是失眠，躺在床上脑子停不下来。"],
    ["counselor", "听起来这段时间你很辛苦。失眠大概从什么时候开始的？"],
    ["client", "大概两个月前，换了新工作以后。"],
    ["counselor", "新工作带来了哪些变化？"],
  ]),
  dialogue("s2", "en", [
    ["client", "Hi. My night shifts are wearing me down and I cannot sleep during the day."],
    ["counselor", "That sounds exhausting. What happens when you try to sleep?"],
    ["client", "I keep thinking about mistakes I made at work."],
    ["counselor", "Those thoughts seem to follow you home."],
  ]),
  dialogue("s3", "en", [
    ["client", "I don't know where to start."],
    ["counselor", "We can start wherever feels easiest for you."],
  ]),
];

const row = (text: string, model: string) =>
  text
    .split("\n")
    .find((l) => l.startsWith(model))!
    .split(/\s{2,}/);

const tokens = (cell: string) => Number(cell.replace(/k$/, "")) * (cell.endsWith("k") ? 1000 : 1);

describe("eval stages|safety --dry-run", () => {
  let server: FakeOpenAIServer;
  let dir: string;
  let config: string;
  let file: string;
  before(async () => {
    server = await startFakeOpenAIServer({ reply: judgeReply });
    dir = tempDir();
    file = writeJsonlFile(dir, "sim.jsonl", sessions);
    config = join(dir, "psysim.yaml");
    writeFileSync(
      config,
      [
        "models:",
        "  judge4:",
        "    provider: openai-compatible",
        "    model: judge-model",
        `    base_url: ${server.url}`,
        "    price: { prompt_per_million: 2.5, completion_per_million: 10 }",
        "",
      ].join("\n"),
    );
  });
  after(() => server.close());

  for (const kind of ["stages", "safety"] as const)
    it(`${kind}: plans the real prompts without a request, then a real run sends exactly the planned calls and prints tokens and cost`, async () => {
      const requests = server.requests.length;
      const resources = join(dir, "help.yaml");
      writeFileSync(resources, "en: call 555-0100 any time\n");
      const extra = kind === "safety" ? ["--resources", resources] : [];
      const args = [
        ...["eval", kind, "--dialogues", file, "--config", config, "--judge", "judge4"],
        ...["--rounds", "2", ...extra],
      ];
      const plan = await runCli([...args, "--dry-run"]);
      assert.equal(plan.code, 0, plan.stderr);
      assert.equal(server.requests.length, requests, "a dry run sends no request at all");
      assert.match(plan.stdout, /^dry run: 3 sessions to label, 2 rounds; no model was called\n/);
      const [, role, calls, prompt, completion, cost] = row(plan.stdout, "judge4");
      assert.equal(role, `${kind} judge`);
      assert.equal(calls, String(3 * 2));
      // 25 tokens assumed a labelled turn: stages label the 5 counselor turns, safety all 10.
      assert.equal(tokens(completion!), 2 * 25 * (kind === "stages" ? 5 : 10));
      assert.match(cost!, /^\$0\.\d\d$/);

      const before = server.requests.length;
      const real = await runCli([...args, "--no-cache"]);
      assert.equal(real.code, 0, real.stderr);
      const sent = server.requests.slice(before).filter((q) => q.path === "/v1/chat/completions");
      assert.equal(sent.length, Number(calls), "calls planned = calls sent");
      const prompts = sent.map((q) => (q.body as FakeChatBody).messages.at(-1)!.content);
      if (kind === "safety") assert.ok(prompts.some((p) => p.includes("call 555-0100")));
      const exact = prompts.reduce((n, p) => n + approximateTokens(p), 0);
      assert.ok(
        // The same prompts: equal up to the table's rounding to 0.1k.
        Math.abs(tokens(prompt!) - exact) <= (prompt!.endsWith("k") ? 50 : 0),
        `planned ${prompt} vs ${exact} tokens by the same approximation over the prompts sent`,
      );
      assert.match(real.stdout, /\nusage: judge 6 calls [\d.]+k? tok \$\d+\.\d{4}\n$/);
    });

  it("says a baseline judge calls no model, for both", async () => {
    const requests = server.requests.length;
    for (const [kind, rules] of [
      ["stages", "keyword rules"],
      ["safety", "crisis lexicon and cue rules"],
    ] as const) {
      const r = await runCli(["eval", kind, "--dialogues", file, "--dry-run"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        `dry run: 3 sessions to label; no model was called\nno model calls: the baseline judge (${rules}, not an LLM) runs offline\n`,
      );
    }
    assert.equal(server.requests.length, requests);
  });
});
