import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseBattle, parseDialogue } from "../../src/core/read-records.js";
import { createBaselineChatModel } from "../../src/llm/providers/baseline.js";
import { historyRef } from "../../src/arena/battle-history.js";
import { battleExclusion, identicalCandidates } from "../../src/core/battle.js";
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
    // Identical candidates are never put to the judge (the arena's rule), so they have no battle.
    const counselorTurns = session.dialogue.turns
      .map((t, i) => [t, i, (i + 1) / 2] as const)
      .filter(
        ([t]) =>
          t.role === "counselor" &&
          !identicalCandidates(t.candidates![0]!.content, t.candidates![1]!.content),
      );
    assert.ok(counselorTurns.length >= 4, "enough judged turns to cover every pick");
    assert.equal(battles.length, counselorTurns.length);
    assert.deepEqual(
      battles.map((b) => b.turn),
      counselorTurns.map(([, , turn]) => turn),
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

  it("stores a double-submitted vote once, keeps the first pick and tells a different late pick it lost", async () => {
    const { web, store, id, path } = await annotatorSession();
    const turn = openTurn((await web.get(path)).text);
    await web.post(`${path}/vote`, { turn: String(turn), pick: "A" });
    const same = await web.post(`${path}/vote`, { turn: String(turn), pick: "A" });
    assert.equal(same.status, 303, "a double submit of the same pick is harmless");
    const again = await web.post(`${path}/vote`, { turn: String(turn), pick: "B" });
    assert.equal(again.status, 409);
    assert.match(again.text, /没有被记录/);
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
    // Blinded: the annotator sees a neutral message and an id; the admin looks the id up.
    assert.ok(!page.text.includes("upstream 503") && !page.text.includes("flaky"));
    const errorId = /<code>(err-[0-9a-f]+)<\/code>/.exec(page.text)?.[1];
    assert.ok(errorId, "the error page shows an id");
    assert.equal(store.generationError(errorId)!.message, "upstream 503: model overloaded");
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

  it("shows support resources in client mode when the annotator's words match the crisis lexicon, and flags them in the export", async () => {
    const { web, path, app } = await annotatorSession({}, "client");
    let page = await web.get(path);
    await web.post(`${path}/vote`, { turn: String(openTurn(page.text)), pick: "A" });
    page = await web.get(path);
    assert.ok(!page.text.includes('id="support"'));
    await web.post(`${path}/say`, { text: "我有时候真的不想活了。" });
    page = await web.get(path);
    assert.ok(page.text.includes('id="support"') && page.text.includes("400-161-9995"));
    const admin = new WebClient(app);
    await admin.login("admin", ADMIN_PASSWORD);
    const [line] = (await admin.get("/admin/export/sessions.jsonl")).text.trim().split("\n");
    const exported = parseDialogue(JSON.parse(line!), "sessions.jsonl", 1);
    assert.deepEqual(exported.meta["crisis_flags"], [{ turn: 2, terms: ["不想活"] }]);
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

describe("every vote is a complete record (issue 13)", () => {
  it("records time on the item, comment, flags and the guideline version shown", async () => {
    const { web, store, path } = await annotatorSession();
    const page = await web.get(path);
    const guideline = /name="guideline" value="([^"]+)"/.exec(page.text)![1]!;
    assert.match(guideline, /^figure-13\.zh@[0-9a-f]{12}$/);
    // The page shows Figure 13's principles, open on the annotator's first session.
    assert.match(page.text, /<details class="guidelines" open>/);
    assert.ok(page.text.includes("积极倾听"));
    await web.post(`${path}/vote`, {
      turn: String(openTurn(page.text)),
      pick: "A",
      time_ms: "5230",
      comment: "  A 更共情  ",
      flag: ["unsafe", "off_role", "bogus"],
      guideline,
    });
    const [battle] = [...store.iterateBattles()];
    assert.deepEqual(battle!.annotation, {
      time_ms: 5230,
      comment: "A 更共情",
      flags: ["unsafe", "off_role"],
      guideline_version: guideline,
    });
  });

  it("undoes the last vote: the battle is kept as retracted, the session returns to that turn", async () => {
    const { web, store, id, path, app } = await annotatorSession();
    let page = await web.get(path);
    const turn = openTurn(page.text);
    const candidatesBefore = /id="candidate-A"[\s\S]*?<p>([^<]*)<\/p>/.exec(page.text)![1];
    await web.post(`${path}/vote`, { turn: String(turn), pick: "A" });
    page = await web.get(path);
    assert.equal(openTurn(page.text), turn + 1);
    const undone = await web.post(`${path}/undo`);
    assert.equal(undone.status, 303);
    page = await web.get(path);
    assert.equal(openTurn(page.text), turn, "back at the undone turn");
    assert.equal(/id="candidate-A"[\s\S]*?<p>([^<]*)<\/p>/.exec(page.text)![1], candidatesBefore);
    const session = store.getArenaSession(id)!;
    assert.equal(session.dialogue.turns.length, 2 * turn - 1, "what followed the vote is dropped");
    assert.deepEqual([...store.iterateBattles()], [], "ratings and exports leave it out");
    const all = [...store.iterateBattles({ includeRetracted: true })];
    assert.equal(all.length, 1);
    assert.ok(all[0]!.retracted_at);
    // A new vote on the same turn gets its own id.
    await web.post(`${path}/vote`, { turn: String(turn), pick: "B" });
    const live = [...store.iterateBattles()];
    assert.deepEqual(
      live.map((b) => b.id),
      [`${id}/turn-${turn}/v2`],
    );
    const admin = new WebClient(app);
    await admin.login("admin", ADMIN_PASSWORD);
    const exported = (await admin.get("/admin/export/battles.jsonl")).text.trim().split("\n");
    assert.equal(exported.length, 1);
    const withRetracted = (await admin.get("/admin/export/battles.jsonl?retracted=1")).text
      .trim()
      .split("\n");
    assert.equal(withRetracted.length, 2);
    assert.equal((await web.post(`${path}/undo`)).status, 303);
    assert.equal((await web.post(`${path}/undo`)).status, 409, "nothing left to undo");
  });

  it("skips a turn only with a reason; the skip is kept and never rated", async () => {
    const { web, store, path } = await annotatorSession();
    const turn = openTurn((await web.get(path)).text);
    assert.equal((await web.post(`${path}/skip`, { turn: String(turn), reason: " " })).status, 400);
    await web.post(`${path}/skip`, { turn: String(turn), reason: "看不懂 A 的意思" });
    const [battle] = [...store.iterateBattles()];
    assert.equal(battle!.winner, null);
    assert.equal(battle!.annotation?.skip_reason, "看不懂 A 的意思");
    assert.deepEqual(battleExclusion(battle!), "skipped");
    assert.equal(openTurn((await web.get(path)).text), turn + 1);
  });

  it("never puts identical candidates to the judge and records no battle for them", async () => {
    const baseline = createBaselineChatModel();
    const { web, store, id, path } = await annotatorSession({
      counselors: { twin1: baseline, twin2: baseline },
      maxTurns: 6,
    });
    let page = await web.get(path);
    while (page.text.includes("data-vote-form")) {
      await web.post(`${path}/vote`, { turn: String(openTurn(page.text)), pick: "A" });
      page = await web.get(path);
    }
    const session = store.getArenaSession(id)!;
    const turns = session.dialogue.turns.filter((t) => t.role === "counselor");
    const identical = turns.filter((t) =>
      identicalCandidates(t.candidates![0]!.content, t.candidates![1]!.content),
    );
    assert.ok(identical.length > 0, "the twin baselines repeat each other");
    const battles = [...store.iterateBattles()];
    assert.equal(battles.length, turns.length - identical.length);
    assert.ok(battles.every((b) => !identicalCandidates(b.response_a, b.response_b)));
  });

  it("refuses imported battles in the platform's own id space, so a vote can never collide", async () => {
    const { web, store, id, path } = await annotatorSession();
    const turn = openTurn((await web.get(path)).text);
    const forged = {
      id: `${id}/turn-${turn}`,
      dialogue_id: id,
      turn,
      history_ref: "x",
      model_a: "m1",
      model_b: "m2",
      response_a: "a",
      response_b: "b",
      winner: "a" as const,
      judge: "llm:x",
      ts: "2026-01-01T00:00:00Z",
    };
    assert.deepEqual(store.importBattles([forged, { ...forged, id: "other/turn-1" }]), {
      added: 1,
      skipped: 1,
    });
    assert.equal((await web.post(`${path}/vote`, { turn: String(turn), pick: "A" })).status, 303);
  });

  it("answers input mistakes with 400, a state that moved on with 409 and missing things with 404", async () => {
    const { web, path } = await annotatorSession();
    const turn = openTurn((await web.get(path)).text);
    assert.equal((await web.post(`${path}/vote`, { turn: String(turn), pick: "C" })).status, 400);
    assert.equal((await web.post(`${path}/vote`, { turn: "x", pick: "A" })).status, 400);
    assert.equal((await web.post(`${path}/vote`, { turn: "99", pick: "A" })).status, 409);
    assert.equal((await web.post(`${path}/say`, { text: "hi" })).status, 409);
    assert.equal((await web.get("/sessions/hs-000000000000")).status, 404);
  });
});
