import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WAI_ITEMS } from "../../../src/evaluation/index.js";
import { approximateTokens } from "../../../src/export/token-estimate.js";
import {
  startFakeOpenAIServer,
  type FakeChatBody,
  type FakeOpenAIServer,
} from "../../fixtures/fake-openai-server.js";
import { tempDir } from "../../helpers.js";
import { dialogue, fullCard, writeJsonlFile } from "../fixtures.js";
import { runCli } from "../../fixtures/run-cli.js";

function judgeReply(body: FakeChatBody): string {
  if (body.response_format?.json_schema?.name === "topic_labels")
    return '{"topics": ["Stress", "Sleep"]}';
  const prompt = body.messages.at(-1)!.content;
  const item = WAI_ITEMS.find((i) => prompt.includes(i.text.zh) || prompt.includes(i.text.en))!;
  return item.reversed ? "2" : "6";
}

const sessions = [
  dialogue(
    "s1",
    "zh",
    [
      ["client", "你好，我最近总是失眠，躺在床上脑子停不下来。"],
      ["counselor", "听起来这段时间你很辛苦。失眠大概从什么时候开始的？"],
      ["client", "大概两个月前，换了新工作以后。"],
      ["counselor", "新工作带来了哪些变化？"],
    ],
    { role_card_id: "c1" },
  ),
  dialogue(
    "s2",
    "en",
    [
      ["client", "Hi. My night shifts are wearing me down and I cannot sleep during the day."],
      ["counselor", "That sounds exhausting. What happens when you try to sleep?"],
      ["client", "I keep thinking about mistakes I made at work."],
      ["counselor", "Those thoughts seem to follow you home."],
    ],
    { role_card_id: "c2" },
  ),
];

/** Chat requests the fake received (the preflight's GET /models is free and not counted). */
const chatCalls = (server: FakeOpenAIServer) =>
  server.requests.filter((q) => q.path === "/v1/chat/completions").length;

describe("eval: psysim.yaml's evaluation: settings and --dry-run", () => {
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
        "  embedder:",
        "    provider: openai-compatible",
        "    model: bge",
        `    base_url: ${server.url}`,
        "evaluation:",
        "  judge: judge4",
        "  rounds: 2",
        "  concurrency: 2",
        "  seed: 5",
        "",
      ].join("\n"),
    );
  });
  after(() => server.close());

  it("takes the judge, rounds, concurrency and seed from evaluation: (a flag wins key by key)", async () => {
    const json = join(dir, "wai.json");
    const before = chatCalls(server);
    const r = await runCli([
      "eval",
      "wai",
      "--dialogues",
      file,
      "--config",
      config,
      "--json",
      json,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(readFileSync(json, "utf8")) as {
      settings: { judge: string; rounds: number; seed: number };
    };
    assert.deepEqual(
      [result.settings.judge, result.settings.rounds, result.settings.seed],
      ["judge4", 2, 5],
    );
    assert.equal(chatCalls(server) - before, 2 * 2 * 12);
    // evaluation.concurrency: 2 reached the worker pool.
    assert.ok(server.maxInFlight <= 2, `max in flight ${server.maxInFlight}`);

    const flagged = await runCli([
      ...["eval", "wai", "--dialogues", file, "--config", config, "--json", json],
      ...["--rounds", "1", "--seed", "9", "--no-cache"],
    ]);
    assert.equal(flagged.code, 0, flagged.stderr);
    const again = JSON.parse(readFileSync(json, "utf8")) as {
      settings: { rounds: number; seed: number };
    };
    assert.deepEqual([again.settings.rounds, again.settings.seed], [1, 9]);
  });

  it("needs a judge from --judge or evaluation.judge, and says so in one line (exit 2)", async () => {
    const bare = join(dir, "bare.yaml");
    writeFileSync(bare, "evaluation:\n  rounds: 2\n");
    const r = await runCli(["eval", "topics", "--dialogues", file, "--config", bare]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      "psysim: --judge is required (or set evaluation.judge in psysim.yaml)\n",
    );
  });

  it("refuses a bad evaluation: key with its file and line", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "evaluation:\n  judge: judge4\n  rounds: 0\n");
    const r = await runCli(["eval", "wai", "--dialogues", file, "--config", bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^psysim: .*bad\.yaml:3: evaluation\.rounds: /);
  });

  it("--dry-run plans wai, topics and fidelity without a single request, and the wai estimate matches a real run's calls", async () => {
    const requests = server.requests.length;
    const wai = await runCli(["eval", "wai", "--dialogues", file, "--config", config, "--dry-run"]);
    const topics = await runCli([
      ...["eval", "topics", "--dialogues", file, "--config", config, "--dry-run"],
      ...["--judge", `openai-compatible:other@${server.url}`],
    ]);
    const cards = writeJsonlFile(dir, "cards.jsonl", [
      fullCard("c1", "zh", "失眠两个月"),
      fullCard("c2", "en", "Night shifts and no sleep"),
    ]);
    const fidelity = await runCli([
      ...["eval", "fidelity", "--dialogues", file, "--cards", cards, "--config", config],
      ...["--embeddings", "embedder", "--dry-run"],
    ]);
    for (const r of [wai, topics, fidelity]) assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, requests, "a dry run sends no request at all");

    assert.match(wai.stdout, /^dry run: 2 sessions to rate, 2 rounds; no model was called\n/);
    const row = (text: string, model: string) =>
      text
        .split("\n")
        .find((l) => l.startsWith(model))!
        .split(/\s{2,}/);
    const [, role, calls, prompt, , cost] = row(wai.stdout, "judge4");
    assert.equal(role, "wai judge");
    assert.equal(calls, String(2 * 2 * 12));
    assert.match(cost!, /^\$0\.\d\d$/);
    assert.equal(row(topics.stdout, "openai-compatible:other@")[2], "4");
    assert.equal(row(topics.stdout, "openai-compatible:other@")[5], "unknown price");
    assert.match(fidelity.stdout, /2 sessions to compare with their cards, 4 texts to embed/);
    assert.equal(row(fidelity.stdout, "embedder")[2], "1");

    // The real run: calls exactly as planned (every answer parses); prompt tokens by psysim's
    // approximation against the same prompts' characters as the fake counts them (1 token
    // per 2 characters), recorded in docs/models.md.
    const before = server.requests.length;
    const real = await runCli([
      ...["eval", "wai", "--dialogues", file, "--config", config, "--no-cache"],
    ]);
    assert.equal(real.code, 0, real.stderr);
    const sent = server.requests.slice(before).filter((q) => q.path === "/v1/chat/completions");
    assert.equal(sent.length, Number(calls));
    const prompts = sent.map((q) => (q.body as FakeChatBody).messages.at(-1)!.content);
    const exact = prompts.reduce((n, p) => n + approximateTokens(p), 0);
    const planned = Number(prompt!.replace(/k$/, "")) * (prompt!.endsWith("k") ? 1000 : 1);
    assert.ok(
      Math.abs(planned / exact - 1) < 0.01,
      `planned ${prompt} vs ${exact} tokens by the same approximation`,
    );
  });
});
