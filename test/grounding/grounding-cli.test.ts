import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readDialogues } from "../../src/core/index.js";
import { counselingReplies, isClientRequest } from "../fixtures/counseling-replies.js";
import { startFakeOpenAIServer, type FakeChatBody } from "../fixtures/fake-openai-server.js";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";
import { card } from "../simulation/fixtures.js";

/**
 * `psysim index build` and `simulate --grounding` end to end: the real CLI, a real index
 * file, real HTTP to the fake OpenAI-compatible server (a test fixture playing client and
 * counselor, not a model), checked by what reached the prompts and what the output records.
 */
const corpusDialogues = [
  {
    id: "real-1",
    language: "zh",
    turns: [
      { role: "client", content: "我总是拖延，作业一直拖到最后一天" },
      { role: "counselor", content: "拖到最后一天的时候，你心里是什么感觉？" },
      { role: "client", content: "我和妈妈又吵架了" },
      { role: "counselor", content: "吵完以后呢？" },
    ],
  },
  {
    id: "real-2",
    language: "zh",
    turns: [
      { role: "client", content: "最近工作压力很大" },
      { role: "counselor", content: "压力主要来自哪里？" },
    ],
  },
  {
    id: "real-3",
    language: "en",
    turns: [
      { role: "client", content: "I keep fighting with my mom about everything" },
      { role: "counselor", content: "What do the fights usually start with?" },
    ],
  },
];

describe("psysim index build and simulate --grounding", async () => {
  const server = await startFakeOpenAIServer({ reply: counselingReplies({ sessionTurns: 3 }) });
  after(() => server.close());
  const dir = tempDir();
  const corpus = join(dir, "corpus.jsonl");
  writeFileSync(corpus, corpusDialogues.map((d) => JSON.stringify(d)).join("\n") + "\n");
  const cards = join(dir, "cards.jsonl");
  writeFileSync(
    cards,
    [card("zh-card", "zh"), card("en-card", "en")].map((c) => JSON.stringify(c)).join("\n") + "\n",
  );
  const spec = `openai-compatible:fake-model@${server.url}`;
  const simulate = (out: string, ...extra: string[]) =>
    runCli([
      "simulate",
      "--cards",
      cards,
      "--out",
      out,
      "--client",
      spec,
      "--counselor",
      spec,
      "--seed",
      "3",
      ...extra,
    ]);
  const chats = () =>
    server.requests
      .filter((r) => r.path === "/v1/chat/completions")
      .map((r) => r.body as FakeChatBody);

  it("builds an index and puts retrieved exchanges into both roles' prompts, recording their ids", async () => {
    const index = join(dir, "corpus.index");
    const built = await runCli(["index", "build", corpus, "--out", index]);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /indexed 4 exchanges \(zh 3, en 1\) from 3 dialogues/);

    const before = chats().length;
    const out = join(dir, "grounded.jsonl");
    const run = await simulate(
      out,
      "--grounding",
      index,
      "--grounding-k",
      "2",
      "--grounding-role",
      "both",
    );
    assert.equal(run.code, 0, run.stderr);
    const sent = chats().slice(before);
    const system = (body: FakeChatBody) => body.messages[0]!.content;
    const zhCounselor = sent.filter((b) => !isClientRequest(b) && /小天/.test(system(b)));
    const zhClient = sent.filter((b) => isClientRequest(b) && /[\u4e00-\u9fff]/.test(system(b)));
    assert.ok(zhCounselor.length > 0 && zhClient.length > 0);
    // The card complains of procrastination and fights with her mother: real-1's exchanges match.
    for (const body of zhCounselor) {
      assert.match(system(body), /下面是几段真实咨询中的来访者发言和咨询师回应/);
      assert.match(
        system(body),
        /\d\. 来访者：我总是拖延，作业一直拖到最后一天\n {3}咨询师：拖到最后一天的时候/,
      );
    }
    for (const body of zhClient)
      assert.match(system(body), /片段里的来访者和你有相近的困扰[\s\S]*来访者：/);
    const enCounselor = sent.filter((b) => !isClientRequest(b) && /Xiaotian/.test(system(b)));
    for (const body of enCounselor)
      assert.match(
        system(body),
        /Client: I keep fighting with my mom about everything\n {3}Counselor: What do the fights/,
      );

    const dialogues = await readDialogues(out);
    const zh = dialogues.find((d) => d.id === "zh-card")!;
    assert.deepEqual(zh.meta.grounding, {
      index,
      source_sha256: (zh.meta.grounding as { source_sha256: string }).source_sha256,
      exchanges: 4,
      k: 2,
      role: "both",
      retrieval: "bm25",
    });
    assert.ok(zh.meta.prompts!["grounding-counselor"] && zh.meta.prompts!["grounding-client"]);
    const counselorTurns = zh.turns.filter((t) => t.role === "counselor");
    for (const t of counselorTurns) {
      assert.equal(t.meta?.grounding?.length, 2);
      assert.ok(t.meta!.grounding!.every((id) => /^real-[12]#[12]$/.test(id)));
    }
    assert.ok(counselorTurns[0]!.meta!.grounding!.includes("real-1#1"));
    // The greeting is fixed; every later client utterance records what its prompt showed.
    const clientTurns = zh.turns.filter((t) => t.role === "client");
    assert.equal(clientTurns[0]!.meta, undefined);
    for (const t of clientTurns.slice(1)) assert.equal(t.meta?.grounding?.length, 2);
    const en = dialogues.find((d) => d.id === "en-card")!;
    assert.deepEqual(en.turns.find((t) => t.role === "counselor")!.meta, {
      grounding: ["real-3#1"],
    });
  });

  it("fuses embeddings when the index was built with them", async () => {
    const index = join(dir, "embedded.index");
    const embed = `openai-compatible:fake-embed@${server.url}`;
    const built = await runCli(["index", "build", corpus, "--out", index, "--embeddings", embed]);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /embedded with/);
    const embeddingsBefore = server.requests.filter((r) => r.path === "/v1/embeddings").length;
    const out = join(dir, "fused.jsonl");
    const run = await simulate(out, "--grounding", index, "--limit", "1");
    assert.equal(run.code, 0, run.stderr);
    assert.ok(server.requests.filter((r) => r.path === "/v1/embeddings").length > embeddingsBefore);
    const [d] = await readDialogues(out);
    assert.match(
      String((d!.meta.grounding as { retrieval: string }).retrieval),
      /^bm25\+.*reciprocal rank/,
    );
    assert.ok(
      d!.turns.filter((t) => t.role === "counselor").every((t) => t.meta?.grounding?.length),
    );
  });

  it("refuses a bad index, a bad corpus line and a bad role in one line each, before any call", async () => {
    const bad = join(dir, "bad.index");
    writeFileSync(bad, "not an index\n");
    const before = chats().length;
    const run = await simulate(join(dir, "never.jsonl"), "--grounding", bad);
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim().split("\n").length, 1);
    assert.match(
      run.stderr,
      /^psysim: .*bad\.index: not a psysim grounding index \(file is not a database\)/,
    );
    assert.equal(chats().length, before);

    const missing = await simulate(
      join(dir, "never.jsonl"),
      "--grounding",
      join(dir, "none.index"),
    );
    assert.match(
      missing.stderr,
      /^psysim: .*none\.index: no such grounding index; build one with psysim index build/,
    );

    const brokenCorpus = join(dir, "broken.jsonl");
    writeFileSync(
      brokenCorpus,
      `${JSON.stringify(corpusDialogues[0])}\n{"id": "x", "language": "fr", "turns": []}\n`,
    );
    const build = await runCli([
      "index",
      "build",
      brokenCorpus,
      "--out",
      join(dir, "broken.index"),
    ]);
    assert.equal(build.code, 1);
    assert.match(build.stderr, /^psysim: .*broken\.jsonl:2: language: /);
    assert.equal(build.stderr.trim().split("\n").length, 1);

    const role = await simulate(
      join(dir, "never.jsonl"),
      "--grounding",
      bad,
      "--grounding-role",
      "therapist",
    );
    assert.equal(role.code, 2);
    assert.match(
      role.stderr,
      /^psysim: --grounding-role expects counselor, client, both, got "therapist"/,
    );
  });
});
