import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseRoleCard, readBattles, readDialogues } from "../../src/core/index.js";
import { CallCache, withCallCache } from "../../src/llm/call-cache.js";
import { createOpenAICompatibleChatModel } from "../../src/llm/providers/openai-compatible.js";
import type { ChatModel } from "../../src/llm/chat-model.js";
import { arenaCounselor } from "../../src/arena/arena-counselor.js";
import { adHocCounselor } from "../../src/arena/counselor-registry.js";
import { runArena, type ArenaOptions } from "../../src/arena/run-arena.js";
import { bootstrapBradleyTerry } from "../../src/arena/bootstrap.js";
import {
  startFakeOpenAIServer,
  type FakeChatBody,
  type FakeOpenAIServer,
} from "../fixtures/fake-openai-server.js";
import { arenaReply, sensibleJudge } from "./fake-arena-replies.js";
import { tempDir } from "../helpers.js";

const cards = [
  "I can't sleep before exams.",
  "My sister and I stopped talking.",
  "I feel lonely at my new job.",
].map((complaint, k) =>
  parseRoleCard(
    { id: `card-${k + 1}`, language: "en", chief_complaint: complaint },
    "inline",
    k + 1,
  ),
);

describe("Arena run (Algorithm 2) against a fake OpenAI-compatible server", () => {
  let server: FakeOpenAIServer;
  let judgeReply = sensibleJudge;
  before(async () => {
    server = await startFakeOpenAIServer({
      reply: (body) => arenaReply(body, (prompt) => judgeReply(prompt)),
    });
  });
  after(() => server.close());

  const model = (name: string): ChatModel =>
    createOpenAICompatibleChatModel({
      id: `fake:${name}`,
      model: name,
      baseUrls: [server.url],
      apiKey: "test",
    });
  function models(cache?: CallCache) {
    const wrap = (m: ChatModel) => (cache ? withCallCache(m, cache) : m);
    return {
      client: wrap(model("client")),
      judge: wrap(model("judge")),
      counselors: new Map([
        [
          "warm",
          arenaCounselor(
            { ...adHocCounselor("warm"), sampling: { temperature: 0.7, top_p: 0.8 } },
            wrap(model("warm")),
          ),
        ],
        ["flat", arenaCounselor(adHocCounselor("flat"), wrap(model("flat")))],
        [
          "flat-transcript",
          arenaCounselor(
            {
              ...adHocCounselor("flat-transcript"),
              systemPrompt: { kind: "none" },
              transcript: { client: "User: ", counselor: "Counselor: ", separator: "\n" },
            },
            wrap(model("flat-transcript")),
          ),
        ],
      ]),
    };
  }
  const options = (dir: string, extra: Partial<ArenaOptions> = {}): ArenaOptions => ({
    cards,
    counselors: ["warm", "flat", "flat-transcript"],
    out: join(dir, "battles.jsonl"),
    dialoguesOut: join(dir, "dialogues.jsonl"),
    sessionsPerPair: 1,
    maxTurns: 5,
    seed: 3,
    concurrency: 2,
    ...extra,
  });
  const judgeRequests = () =>
    server.requests.filter((r) => (r.body as FakeChatBody | undefined)?.model === "judge").length;

  it("writes a battle per turn, the dialogues with both candidates, and never invents a pick", async () => {
    judgeReply = sensibleJudge;
    const dir = tempDir();
    const before = judgeRequests();
    const summary = await runArena(options(dir), models());
    assert.deepEqual(
      {
        scheduled: summary.scheduled,
        completed: summary.completed,
        battles: summary.battles,
        unparsed: summary.unparsed,
        failed: summary.failed,
      },
      { scheduled: 3, completed: 3, battles: 9, unparsed: 3, failed: [] },
    );
    // 6 decisive judgements, plus 3 unparsed ones asked twice each.
    assert.equal(judgeRequests() - before, 12);

    const battles = await readBattles(join(dir, "battles.jsonl"));
    assert.equal(battles.length, 9);
    for (const b of battles) {
      const pair = [b.model_a, b.model_b].sort().join(" ");
      if (pair === "flat flat-transcript")
        assert.equal(b.winner, null, "no pick from an undecided judge");
      else assert.equal(b.winner === "a" ? b.model_a : b.model_b, "warm");
      assert.equal(b.judge, "llm:fake:judge:2");
      assert.match(b.id, /\/turn-[123]$/);
      assert.ok(b.order === "ab" || b.order === "ba");
    }
    assert.ok(new Set(battles.map((b) => b.order)).size === 2, "both presentation orders occur");

    const dialogues = await readDialogues(join(dir, "dialogues.jsonl"));
    assert.equal(dialogues.length, 3);
    for (const d of dialogues) {
      assert.equal(d.ended_by, "termination_phrase");
      assert.equal(d.turns.length, 6);
      const counselorTurns = d.turns.filter((t) => t.role === "counselor");
      for (const t of counselorTurns) {
        assert.deepEqual(
          t.candidates!.map((c) => c.speaker).sort(),
          [...(d.meta.counselor as string).split(" vs ")].sort(),
        );
        assert.equal(t.content, t.candidates!.find((c) => c.speaker === t.speaker)!.content);
        if ((d.meta.counselor as string).includes("warm")) assert.equal(t.speaker, "warm");
      }
    }
    // The flattened transcript reaches its model as one user message ending on the counselor prefix.
    const flat = server.requests
      .map((r) => r.body as FakeChatBody)
      .filter((b) => b?.model === "flat-transcript");
    assert.ok(
      flat.length > 0 &&
        flat.every(
          (b) => b.messages.length === 1 && b.messages[0]!.content.endsWith("Counselor: "),
        ),
    );
    assert.ok(flat.some((b) => b.messages[0]!.content.startsWith("User: Hello\nCounselor: ")));
    // Table 3's per-model sampling reaches the wire.
    const warm = server.requests
      .map((r) => r.body as FakeChatBody)
      .find((b) => b?.model === "warm")!;
    assert.deepEqual([warm.temperature, warm.top_p], [0.7, 0.8]);

    const ratings = bootstrapBradleyTerry(battles, { rounds: 50, seed: 1 });
    assert.equal(ratings.models[0]!.model, "warm");
    assert.equal(ratings.unparsed, 3);
  });

  it("resumes: finished sessions are skipped, and a session lost before its dialogue was written replays from the cache", async () => {
    judgeReply = sensibleJudge;
    const dir = tempDir();
    const cache = CallCache.open(join(dir, "cache.sqlite"));
    try {
      await runArena(options(dir), models(cache));
      const battlesText = readFileSync(join(dir, "battles.jsonl"), "utf8");
      const dialogueLines = readFileSync(join(dir, "dialogues.jsonl"), "utf8")
        .trimEnd()
        .split("\n");
      // A crash after the battles were appended but before the dialogue was.
      writeFileSync(join(dir, "dialogues.jsonl"), dialogueLines.slice(0, 2).join("\n") + "\n");
      const requestsBefore = server.requests.length;
      const summary = await runArena(options(dir), models(cache));
      assert.deepEqual([summary.skipped, summary.completed], [2, 1]);
      assert.equal(
        server.requests.length,
        requestsBefore,
        "every call of the redone session came from the cache",
      );
      assert.equal(
        readFileSync(join(dir, "battles.jsonl"), "utf8"),
        battlesText,
        "no duplicate battles",
      );
      assert.equal((await readDialogues(join(dir, "dialogues.jsonl"))).length, 3);
      const again = await runArena(options(dir), models(cache));
      assert.deepEqual([again.skipped, again.completed], [3, 0]);
    } finally {
      cache.close();
    }
  });

  it("with both orders, turns a position-bound verdict into a tie and records the flip", async () => {
    judgeReply = () => "- Basis for selection: the first one.\n- Final choice: A";
    const dir = tempDir();
    const summary = await runArena(
      options(dir, { bothOrders: true, counselors: ["warm", "flat"], maxTurns: 2 }),
      models(),
    );
    assert.equal(summary.battles, 2, "one pair, one session, two turns");
    const battles = await readBattles(join(dir, "battles.jsonl"));
    for (const b of battles) {
      assert.deepEqual([b.winner, b.consistent, b.order], ["tie", false, undefined]);
      assert.match(b.rationale!, /^\[ab\] .*Final choice: A\n\n\[ba\] /s);
    }
  });

  it("stops at QUOTA_EXHAUSTED: no new session starts, and the error is rethrown instead of failing every session", async () => {
    const dir = tempDir();
    server.setReply((body) =>
      body.model === "judge" ? { fault: "quota" } : arenaReply(body, sensibleJudge),
    );
    const before = judgeRequests();
    try {
      await assert.rejects(
        runArena(options(dir, { concurrency: 1 }), models()),
        (error: unknown) => (error as { code?: string }).code === "QUOTA_EXHAUSTED",
      );
    } finally {
      server.setReply((body) => arenaReply(body, (prompt) => judgeReply(prompt)));
    }
    // One session in flight asked the judge once; quota is never retried and no other session started.
    assert.equal(judgeRequests() - before, 1);
    assert.equal(readFileSync(join(dir, "battles.jsonl"), "utf8"), "");
  });
});
