import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseBattle, parseDialogue } from "../../src/core/read-records.js";
import { createBaselineChatModel } from "../../src/llm/providers/baseline.js";
import { historyRef } from "../../src/arena/battle-history.js";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";
import {
  addAnnotator,
  ANNOTATOR_PASSWORD,
  ADMIN_PASSWORD,
  makePlatform,
  WebClient,
  zhCard,
} from "./helpers.js";

const sessionPath = (location: string | null) => location!.replace(/#.*/, "");
const sessionId = (location: string | null) => sessionPath(location).split("/").at(-1)!;
const openTurn = (html: string) => Number(/name="turn" value="(\d+)"/.exec(html)?.[1]);

async function annotatorSession(
  options: Parameters<typeof makePlatform>[0] = {},
  mode: "arena" | "client" = "arena",
) {
  const platform = await makePlatform(options);
  const alice = await addAnnotator(platform.store, "alice");
  platform.store.upsertRoleCards([zhCard("c1")]);
  const [a, b] = platform.engine.counselorNames();
  platform.store.createAssignments([
    { annotatorId: alice.id, cardId: "c1", counselorA: a!, counselorB: b!, mode },
  ]);
  const web = new WebClient(platform.app);
  await web.login("alice", ANNOTATOR_PASSWORD);
  const assignment = platform.store.listAssignments({ annotatorId: alice.id })[0]!;
  const started = await web.post(`/assignments/${assignment.id}/start`);
  return {
    ...platform,
    alice,
    web,
    assignment,
    id: sessionId(started.location),
    path: sessionPath(started.location),
  };
}

describe("human-judged arena (Algorithm 2 with a human supervisor)", () => {
  it("runs a baseline session to its end, storing one battle per pick and revealing the models only at the end", async () => {
    const { web, store, id, path } = await annotatorSession();
    const picks = ["A", "B", "tie", "both_bad"] as const;
    let page = await web.get(path);
    let votes = 0;
    while (page.text.includes("data-vote-form")) {
      assert.ok(!page.text.includes("baseline-a"));
      const turn = openTurn(page.text);
      assert.equal(
        (await web.post(`${path}/vote`, { turn: String(turn), pick: picks[votes % 4]! })).status,
        303,
      );
      votes++;
      page = await web.get(path);
      assert.ok(votes < 60, "the session never ended");
    }
    const session = store.getArenaSession(id)!;
    assert.equal(session.status, "finished");
    assert.equal(session.dialogue.ended_by, "termination_phrase");
    assert.ok(
      page.text.includes("baseline-a") && page.text.includes("baseline-b"),
      "models are revealed after the end",
    );
    const battles = [...store.iterateBattles()];
    const counselorTurns = session.dialogue.turns
      .map((t, i) => [t, i] as const)
      .filter(([t]) => t.role === "counselor");
    assert.equal(battles.length, counselorTurns.length);
    assert.deepEqual(
      battles.map((b) => b.turn),
      counselorTurns.map((_, k) => k + 1),
    );
    assert.deepEqual(
      battles.map((b) => b.history_ref),
      counselorTurns.map(([, i]) => historyRef(session.dialogue.turns.slice(0, i))),
    );
    // Each battle names the models in assignment order and maps the on-screen pick back to them.
    battles.forEach((battle, k) => {
      const pick = picks[k % 4]!;
      const expected =
        pick === "A"
          ? battle.order === "ab"
            ? "a"
            : "b"
          : pick === "B"
            ? battle.order === "ab"
              ? "b"
              : "a"
            : pick;
      assert.deepEqual(
        [battle.model_a, battle.model_b, battle.judge, battle.winner],
        ["baseline-a", "baseline-b", "human:alice", expected],
      );
      const [turn] = counselorTurns[k]!;
      if (battle.winner === "a" || battle.winner === "b")
        assert.equal(turn.content, battle.winner === "a" ? battle.response_a : battle.response_b);
    });
    assert.ok(
      new Set(battles.map((b) => b.order)).size === 2,
      "positions are shuffled across turns",
    );
  });

  it("stores a double-submitted vote once and keeps the first pick", async () => {
    const { web, store, id, path } = await annotatorSession();
    const turn = openTurn((await web.get(path)).text);
    await web.post(`${path}/vote`, { turn: String(turn), pick: "A" });
    const again = await web.post(`${path}/vote`, { turn: String(turn), pick: "B" });
    assert.equal(again.status, 303);
    const battles = [...store.iterateBattles()];
    assert.equal(battles.length, 1);
    assert.equal(battles[0]!.winner, battles[0]!.order === "ab" ? "a" : "b");
    assert.equal(
      store.getArenaSession(id)!.dialogue.turns.filter((t) => t.role === "counselor").length,
      1,
    );
  });

  it("shows a failing model's error with a retry button and loses no earlier pick", async () => {
    let failing = false;
    const flaky = new ScriptedChatModel(
      (request) => {
        if (failing) return new Error("upstream 503: model overloaded");
        return request.messages.filter((m) => m.role === "user").length <= 1
          ? "你好，今天想聊些什么？"
          : "听起来你很辛苦，能多说一点吗？";
      },
      { id: "flaky" },
    );
    const { web, store, id, path } = await annotatorSession({
      counselors: { steady: createBaselineChatModel(), flaky },
    });
    const turn = openTurn((await web.get(path)).text);
    failing = true;
    await web.post(`${path}/vote`, { turn: String(turn), pick: "A" });
    const page = await web.get(path);
    assert.ok(page.text.includes("upstream 503: model overloaded"));
    assert.ok(page.text.includes(`action="${path}/retry"`));
    assert.equal([...store.iterateBattles()].length, 1);
    const waiting = store.getArenaSession(id)!;
    assert.equal(
      waiting.dialogue.turns.at(-1)!.role,
      "client",
      "the client's reply generated before the failure is kept",
    );
    failing = false;
    await web.post(`${path}/retry`);
    const after = await web.get(path);
    assert.ok(after.text.includes("data-vote-form"));
    assert.equal(openTurn(after.text), turn + 1);
    assert.equal(store.getArenaSession(id)!.error, null);
  });

  it("restarts a session (Figure 15) keeping the old one and its votes", async () => {
    const { web, store, id, path, assignment } = await annotatorSession();
    await web.post(`${path}/vote`, {
      turn: String(openTurn((await web.get(path)).text)),
      pick: "tie",
    });
    const restarted = await web.post(`${path}/restart`);
    const fresh = sessionId(restarted.location);
    assert.notEqual(fresh, id);
    const sessions = store.listSessions({ assignmentId: assignment.id });
    assert.deepEqual(
      sessions.map((s) => [s.id, s.status]).sort(),
      [
        [id, "restarted"],
        [fresh, "active"],
      ].sort(),
    );
    assert.equal([...store.iterateBattles()].length, 1);
  });

  it("lets the annotator play the client, vote on two counselors each turn, and leave", async () => {
    const { web, store, id, path } = await annotatorSession({}, "client");
    let page = await web.get(path);
    assert.ok(page.text.includes("data-vote-form"), "the greeting gets two candidates at once");
    await web.post(`${path}/vote`, { turn: String(openTurn(page.text)), pick: "B" });
    page = await web.get(path);
    assert.ok(page.text.includes(`action="${path}/say"`));
    await web.post(`${path}/say`, { text: "我最近总失眠，<b>很烦</b>。" });
    page = await web.get(path);
    assert.ok(page.text.includes("&lt;b&gt;很烦&lt;/b&gt;"));
    await web.post(`${path}/vote`, { turn: String(openTurn(page.text)), pick: "A" });
    await web.post(`${path}/leave`);
    const session = store.getArenaSession(id)!;
    assert.deepEqual(
      [session.status, session.dialogue.ended_by, session.dialogue.turns.map((t) => t.role)],
      ["finished", "client_exit", ["client", "counselor", "client", "counselor"]],
    );
    assert.equal(session.dialogue.turns[2]!.speaker, "human:alice");
    assert.equal([...store.iterateBattles()].length, 2);
  });

  it("exports every battle and session as valid psysim JSONL records", async () => {
    const { web, store, path, app } = await annotatorSession();
    await web.post(`${path}/vote`, {
      turn: String(openTurn((await web.get(path)).text)),
      pick: "A",
    });
    const admin = new WebClient(app);
    await admin.login("admin", ADMIN_PASSWORD);
    const battles = (await admin.get("/admin/export/battles.jsonl")).text.trim().split("\n");
    const sessions = (await admin.get("/admin/export/sessions.jsonl")).text.trim().split("\n");
    assert.deepEqual(
      battles.map((line, i) => parseBattle(JSON.parse(line), "battles.jsonl", i + 1)),
      [...store.iterateBattles()],
    );
    const dialogue = parseDialogue(JSON.parse(sessions[0]!), "sessions.jsonl", 1);
    assert.equal(sessions.length, 1);
    assert.deepEqual(
      (dialogue.meta as { annotation: { annotator: string; status: string } }).annotation.annotator,
      "alice",
    );
    assert.equal(dialogue.turns.length, 3);
  });
});
