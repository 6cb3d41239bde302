import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WAI_ITEMS } from "../../../src/evaluation/index.js";
import {
  startFakeOpenAIServer,
  type FakeChatBody,
  type FakeOpenAIServer,
} from "../../fixtures/fake-openai-server.js";
import { tempDir } from "../../helpers.js";
import { dialogue, writeJsonlFile } from "../fixtures.js";
import { runCli } from "../../fixtures/run-cli.js";

/**
 * The judge commands end to end over real HTTP: the fake OpenAI-compatible server answers
 * as a judge would (per-item scores, batched JSON, topic lists), with its own quirks.
 */
function judgeReply(body: FakeChatBody): string {
  const prompt = body.messages.at(-1)!.content;
  if (body.response_format?.json_schema?.name === "wai_o_s_scores")
    return JSON.stringify(
      Object.fromEntries(WAI_ITEMS.map((i) => [`item_${i.number}`, i.reversed ? 2 : 6])),
    );
  if (body.response_format?.json_schema?.name === "topic_labels")
    return prompt.includes("失眠")
      ? '{"topics": ["心身症状（睡眠、食欲、疼痛）", "焦虑"]}'
      : '{"topics": ["Stress", "Work stress of night shifts"]}';
  // Per item: a messy but valid answer, except item 1's statement, which first gets prose.
  const item = WAI_ITEMS.find((i) => prompt.includes(i.text.zh) || prompt.includes(i.text.en))!;
  return item.reversed ? "评分：2分" : "**6**";
}

const sim = [
  dialogue("s1", "zh", [
    ["client", "你好"],
    ["counselor", "你好，想聊什么？"],
    ["client", "我总是失眠，很焦虑"],
    ["counselor", "这种情况多久了？"],
  ]),
  dialogue("s2", "zh", [
    ["client", "你好"],
    ["counselor", "你好"],
    ["client", "最近睡不好，失眠"],
    ["counselor", "我们一起看看。"],
  ]),
];
const real = [
  dialogue("r1", "en", [
    ["client", "Hi"],
    ["counselor", "Hello, what brings you in?"],
    ["client", "My night shifts stress me out"],
    ["counselor", "Tell me more."],
  ]),
  dialogue("r2", "en", [
    ["client", "Hello"],
    ["counselor", "Hi"],
    ["client", "Work is too much"],
    ["counselor", "I hear you."],
  ]),
];

describe("judge commands against an OpenAI-compatible server", () => {
  let server: FakeOpenAIServer;
  let dir: string;
  let judge: string;
  before(async () => {
    server = await startFakeOpenAIServer({ reply: judgeReply });
    dir = tempDir();
    judge = `openai-compatible:judge-model@${server.url}`;
  });
  after(() => server.close());

  it("psysim eval wai rates every item in every round, writes the result and Figure 4, and resumes from the cache", async () => {
    const file = writeJsonlFile(dir, "sim.jsonl", sim);
    const cache = join(dir, "cache.sqlite");
    const json = join(dir, "wai.json");
    // The preflight's GET /models is free; count only the paid chat calls.
    const chats = () => server.requests.filter((q) => q.path === "/v1/chat/completions").length;
    const before = chats();
    const r = await runCli([
      "eval",
      "wai",
      "--dialogues",
      file,
      "--judge",
      judge,
      "--rounds",
      "2",
      "--cache",
      cache,
      "--json",
      json,
      "--plots",
      join(dir, "plots"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(chats() - before, 2 * 2 * 12);
    assert.match(r.stdout, /Goal\s+6\.000 ± 0\.000 \(2\)/);
    const result = JSON.parse(readFileSync(json, "utf8")) as {
      settings: { judge: string; mode: string };
      sessions: { ratings: unknown[] }[];
      usage: { judge: { calls: number } };
    };
    assert.deepEqual(
      [
        result.settings.judge,
        result.settings.mode,
        result.sessions[0]!.ratings.length,
        result.usage.judge.calls,
      ],
      [judge, "per-item", 24, 48],
    );
    assert.ok(
      existsSync(join(dir, "plots", "wai.svg")) && existsSync(join(dir, "plots", "wai.png")),
    );

    const again = await runCli([
      "eval",
      "wai",
      "--dialogues",
      file,
      "--judge",
      judge,
      "--rounds",
      "2",
      "--cache",
      cache,
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(chats() - before, 48, "the rerun replays every rating from the cache");
    assert.equal(again.stdout.split("\n")[1], r.stdout.split("\n")[1]);
  });

  it("psysim eval topics labels over rounds and draws Figure 3 with Chinese topic names", async () => {
    const file = writeJsonlFile(dir, "sim-topics.jsonl", sim);
    const json = join(dir, "topics.json");
    const r = await runCli([
      "eval",
      "topics",
      "--dialogues",
      file,
      "--judge",
      judge,
      "--no-cache",
      "--json",
      json,
      "--plots",
      join(dir, "plots"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /limited \(listed topics\)\s+1\.000\s+1\.000\s+1\.000\s+1\.000 ± 0\.000/,
    );
    assert.match(r.stdout, /top topics: 心身症状（睡眠、食欲、疼痛） 50\.0%, 焦虑 50\.0%/);
    const svg = readFileSync(join(dir, "plots", "topics.svg"), "utf8");
    assert.ok(svg.includes("焦虑") && svg.includes("Noto Sans CJK SC"));
    const request = server.requests.at(-1)!.body as FakeChatBody;
    assert.equal(request.response_format?.type, "json_schema");
  });

  it("psysim compare puts both datasets side by side with WAI (batched) and topic entropy over rounds", async () => {
    const a = writeJsonlFile(dir, "real.jsonl", real);
    const b = writeJsonlFile(dir, "sim-cmp.jsonl", sim);
    const json = join(dir, "compare.json");
    const r = await runCli([
      "compare",
      a,
      b,
      "--wai",
      judge,
      "--wai-mode",
      "batched",
      "--topics",
      judge,
      "--rounds",
      "2",
      "--no-cache",
      "--json",
      json,
      "--plots",
      join(dir, "plots"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    // real is English and sim Chinese: one Table 1 block each, and no length compared across them.
    assert.match(r.stdout, /^English \(en\), lengths in words\n\s+real\n# Conversations\s+2$/m);
    assert.match(
      r.stdout,
      /^Chinese \(zh\), lengths in characters\n\s+sim-cmp\n# Conversations\s+2$/m,
    );
    assert.match(
      r.stdout,
      /WAI goal\s+6\.000 ± 0\.000 \(2\)\s+6\.000 ± 0\.000 \(2\)\s+– \(both groups have zero variance\)/,
    );
    // real: {Stress} listed (invented label apart) → 0 bits limited; sim: two topics equally → 1 bit.
    assert.match(
      r.stdout,
      /topic entropy, limited \(bits\) \[n = rounds\]\s+0\.000 ± 0\.000 \(2\)\s+1\.000 ± 0\.000 \(2\)/,
    );
    const result = JSON.parse(readFileSync(json, "utf8")) as {
      kind: string;
      aggregates: { metrics: { metric: string }[] };
      inputs: { role: string }[];
    };
    assert.equal(result.kind, "compare");
    assert.deepEqual(
      result.inputs.map((i) => i.role),
      ["dialogues-a", "dialogues-b"],
    );
    // Turns, 4 WAI rows, 2 entropies; utterance lengths only within a shared language (none here).
    assert.equal(result.aggregates.metrics.length, 1 + 4 + 2);
    for (const f of ["compare-wai.png", "compare-topics.png"])
      assert.ok(existsSync(join(dir, "plots", f)), f);
  });

  it("psysim eval fidelity embeds through /v1/embeddings with BAAI/bge-m3 by default", async () => {
    const d = writeJsonlFile(dir, "fid.jsonl", [
      dialogue(
        "s1",
        "zh",
        [
          ["client", "我总是失眠"],
          ["counselor", "嗯"],
        ],
        { role_card_id: "c1" },
      ),
      dialogue(
        "s2",
        "zh",
        [
          ["client", "老板批评我"],
          ["counselor", "嗯"],
        ],
        { role_card_id: "c2" },
      ),
    ]);
    const c = writeJsonlFile(dir, "fid-cards.jsonl", [
      { id: "c1", chief_complaint: "失眠很久了" },
      { id: "c2", chief_complaint: "老板总是批评我" },
    ]);
    const json = join(dir, "fidelity.json");
    const r = await runCli([
      "eval",
      "fidelity",
      "--dialogues",
      d,
      "--cards",
      c,
      "--embeddings",
      `openai-compatible:${server.url}`,
      "--json",
      json,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const embeddingRequest = server.requests.filter((q) => q.path === "/v1/embeddings").at(-1)!
      .body as { model: string; input: string[] };
    assert.equal(embeddingRequest.model, "BAAI/bge-m3");
    const result = JSON.parse(readFileSync(json, "utf8")) as {
      settings: { embedding: { baseline: boolean } };
      aggregates: { cosine: { a: { n: number } } };
    };
    assert.deepEqual(
      [result.settings.embedding.baseline, result.aggregates.cosine.a.n],
      [false, 2],
    );
    assert.doesNotMatch(r.stdout, /baseline/);
  });

  it("stops with one line and writes nothing when the judge never answers", async () => {
    const failing = await startFakeOpenAIServer({ fault: () => ({ fault: "server-error" }) });
    try {
      const config = join(dir, "psysim.yaml");
      writeFileSync(
        config,
        `models:\n  flaky:\n    provider: openai-compatible\n    model: judge\n    base_url: ${failing.url}\n    max_attempts: 1\n`,
      );
      const file = writeJsonlFile(dir, "sim-fail.jsonl", sim);
      const json = join(dir, "fail.json");
      const r = await runCli([
        "eval",
        "wai",
        "--dialogues",
        file,
        "--judge",
        "flaky",
        "--config",
        config,
        "--no-cache",
        "--json",
        json,
      ]);
      assert.equal(r.code, 1);
      const lines = r.stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("psysim:"));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^psysim: .*(500|server)/i);
      assert.equal(existsSync(json), false);
    } finally {
      await failing.close();
    }
  });
});

describe("judge commands on bad input", () => {
  it("refuse an empty dialogue file and a file of another kind in one line each, before any call", async () => {
    const dir = tempDir();
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "\n");
    const r = await runCli([
      "eval",
      "wai",
      "--dialogues",
      empty,
      "--judge",
      "baseline",
      "--no-cache",
    ]);
    assert.deepEqual([r.code, r.stderr], [1, `psysim: ${empty}: no records (the file is empty)\n`]);
    const chats = writeJsonlFile(dir, "chats.jsonl", [
      { messages: [{ role: "user", content: "hi" }] },
    ]);
    const t = await runCli([
      "eval",
      "topics",
      "--dialogues",
      chats,
      "--judge",
      "baseline",
      "--no-cache",
    ]);
    assert.deepEqual(
      [t.code, t.stderr],
      [
        1,
        `psysim: ${chats}:1: this looks like OpenAI chat data; run \`psysim import --from openai\` first\n`,
      ],
    );
  });
});
