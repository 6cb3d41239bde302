import { describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import {
  addAnnotator,
  ADMIN_PASSWORD,
  ANNOTATOR_PASSWORD,
  makePlatform,
  WebClient,
  zhCard,
} from "./helpers.js";

const sessionPath = (location: string | null) => location!.replace(/#.*/, "");

async function withAssignment(options: Parameters<typeof makePlatform>[0] = {}) {
  const platform = await makePlatform(options);
  const alice = await addAnnotator(platform.store, "alice");
  platform.store.upsertRoleCards([zhCard("c1")]);
  const [a, b] = platform.engine.counselorNames();
  platform.store.createAssignments([
    { annotatorId: alice.id, cardId: "c1", counselorA: a!, counselorB: b!, mode: "arena" },
  ]);
  const web = new WebClient(platform.app);
  await web.login("alice", ANNOTATOR_PASSWORD);
  return { ...platform, alice, web };
}

describe("login throttling (issue 13 §7)", () => {
  it("counts 200 concurrent wrong guesses before checking any password: at most 5 are checked", async () => {
    const { app } = await makePlatform();
    const web = new WebClient(app);
    await web.get("/login");
    const replies = await Promise.all(
      Array.from({ length: 200 }, () =>
        web.post("/login", { name: "admin", password: "wrong-password" }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5);
    assert.equal(statuses.filter((s) => s === 429).length, 195);
  });

  it("never locks out a correct login after a few failures under other names from the same address", async () => {
    const { app } = await makePlatform();
    const web = new WebClient(app);
    await web.get("/login");
    for (const name of ["carol", "dave", "erin", "frank", "grace", "heidi", "ivan"])
      assert.equal((await web.post("/login", { name, password: "wrong-password" })).status, 401);
    assert.equal(
      (await web.post("/login", { name: "admin", password: ADMIN_PASSWORD })).status,
      303,
    );
  });

  it("backs off: each failure after the limit doubles the wait", async () => {
    let clock = 0;
    const { app } = await makePlatform({ loginThrottle: { now: () => clock } });
    const web = new WebClient(app);
    await web.get("/login");
    for (let i = 0; i < 5; i++)
      await web.post("/login", { name: "admin", password: "nope-nope-1" });
    const first = await web.post("/login", { name: "admin", password: "nope-nope-1" });
    assert.deepEqual([first.status, first.headers.get("retry-after")], [429, "60"]);
    clock = 60_001;
    assert.equal(
      (await web.post("/login", { name: "admin", password: "nope-nope-1" })).status,
      401,
    );
    const second = await web.post("/login", { name: "admin", password: ADMIN_PASSWORD });
    assert.deepEqual([second.status, second.headers.get("retry-after")], [429, "120"]);
  });

  it("keeps its counts in SQLite, so a restart does not clear them", async () => {
    const dbFile = join(tempDir(), "annotations.sqlite");
    const first = await makePlatform({ dbFile });
    const web = new WebClient(first.app);
    await web.get("/login");
    for (let i = 0; i < 5; i++)
      await web.post("/login", { name: "admin", password: "nope-nope-1" });
    first.store.close();
    const { createApp } = await import("../../src/server/app.js");
    const { SqliteAnnotationStore } = await import("../../src/server/sqlite-annotation-store.js");
    const store = new SqliteAnnotationStore(dbFile);
    const restarted = createApp({ store, engine: first.engine });
    const again = new WebClient(restarted.app);
    await again.get("/login");
    assert.equal(
      (await again.post("/login", { name: "admin", password: ADMIN_PASSWORD })).status,
      429,
    );
    store.close();
  });
});

describe("input limits and names (issue 13 §7)", () => {
  it("refuses an oversized login body before parsing it and a malformed one with a 400 and one log line", async () => {
    const { app } = await makePlatform();
    const web = new WebClient(app);
    await web.get("/login");
    const big = await web.post("/login", { name: "admin", password: "x".repeat(20_000) });
    assert.equal(big.status, 413);
    const lines: string[] = [];
    const error = mock.method(console, "error", (...args: unknown[]) => lines.push(args.join(" ")));
    try {
      const broken = await web.request("/login", {
        method: "POST",
        body: '--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nabc',
        headers: { "content-type": "multipart/form-data; boundary=x" },
      });
      assert.equal(broken.status, 400);
    } finally {
      error.mock.restore();
    }
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /POST \/login: malformed body/);
  });

  it("refuses passwords that are too long, too short once trimmed, or trivially guessable", async () => {
    const { app, store } = await makePlatform();
    const admin = new WebClient(app);
    await admin.login("admin", ADMIN_PASSWORD);
    await admin.get("/admin");
    const invited = await admin.post("/admin/invites", { name: "zoe" });
    const link = /value="(http[^"]+)" id="invite-link"/.exec(invited.text)![1]!;
    const path = new URL(link).pathname;
    const guest = new WebClient(app);
    await guest.get(path);
    for (const password of [
      " ".repeat(10),
      "aaaaaaaaaaaa",
      "1234567890",
      "zoe1234567",
      "x".repeat(257),
    ])
      assert.equal((await guest.post(path, { password })).status, 400, JSON.stringify(password));
    assert.equal((await guest.post(path, { password: "a calm river at dusk" })).status, 303);
    assert.ok(store.findLogin("zoe"));
  });

  it("normalises names (NFKC) and refuses look-alikes of existing users and invites", async () => {
    const { app, store } = await makePlatform();
    const admin = new WebClient(app);
    await admin.login("admin", ADMIN_PASSWORD);
    await admin.get("/admin");
    const status = async (name: string) => (await admin.post("/admin/invites", { name })).status;
    assert.equal(await status("ａｄｍｉｎ"), 400, "full-width admin is admin");
    assert.equal(await status("аdmin"), 400, "Cyrillic а mixed with Latin");
    assert.equal(await status("аdміn"), 400);
    assert.equal(await status("bob"), 200);
    assert.equal(await status("b0b"), 400, "0 passes for o");
    assert.equal(await status("ｂｏｂ"), 400);
    assert.deepEqual(
      store.listPendingInvites(new Date().toISOString()).map((i) => i.name),
      ["bob"],
    );
  });
});

describe("origin and links (issue 13 §7)", () => {
  it("with --public-url refuses other hosts and builds invite links from it", async () => {
    const { app } = await makePlatform({ publicUrl: "https://annotate.lab.example" });
    const spoofed = await app.request("http://attacker.example/login");
    assert.equal(spoofed.status, 421);
    const admin = new WebClient(app, "https://annotate.lab.example");
    await admin.login("admin", ADMIN_PASSWORD);
    const invited = await admin.post("/admin/invites", { name: "zoe" });
    assert.match(
      invited.text.slice(0, 3000),
      /value="https:\/\/annotate\.lab\.example\/invite\/[\w-]{43}"/,
    );
  });

  it("never renders a link to another site from a path starting with //", async () => {
    const { app } = await makePlatform();
    const web = new WebClient(app);
    await web.login("admin", ADMIN_PASSWORD);
    const page = await web.get("//evil.example/x");
    assert.ok(!page.text.includes('href="//evil.example'));
    assert.ok(page.text.includes('href="/evil.example/x?lang=en"'));
  });
});

describe("concurrency (issue 13 §7)", () => {
  it("opens one session for ten concurrent starts and one for ten concurrent restarts", async () => {
    const { web, store, alice } = await withAssignment();
    const [assignment] = store.listAssignments({ annotatorId: alice.id });
    const starts = await Promise.all(
      Array.from({ length: 10 }, () => web.post(`/assignments/${assignment!.id}/start`)),
    );
    assert.equal(new Set(starts.map((r) => r.location)).size, 1);
    const path = sessionPath(starts[0]!.location);
    const restarts = await Promise.all(
      Array.from({ length: 10 }, () => web.post(`${path}/restart`)),
    );
    assert.ok(restarts.every((r) => r.status === 303));
    const sessions = store.listSessions({ assignmentId: assignment!.id });
    assert.deepEqual(sessions.map((s) => s.status).sort(), ["active", "restarted"]);
  });

  it("stores one of 20 concurrent votes on a turn and tells every loser with another pick", async () => {
    const { web, store, alice } = await withAssignment();
    const [assignment] = store.listAssignments({ annotatorId: alice.id });
    const path = sessionPath((await web.post(`/assignments/${assignment!.id}/start`)).location);
    const turn = /name="turn" value="(\d+)"/.exec((await web.get(path)).text)![1]!;
    const picks = ["A", "B"];
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, k) => web.post(`${path}/vote`, { turn, pick: picks[k % 2]! })),
    );
    const battles = [...store.iterateBattles()];
    assert.equal(battles.length, 1);
    const winnerPick = replies.findIndex((r) => r.status === 303) % 2;
    replies.forEach((r, k) =>
      assert.equal(r.status, k % 2 === winnerPick ? 303 : 409, `vote ${k}`),
    );
  });
});

describe("accounts (issue 13 §6–7)", () => {
  it("lets the admin disable an annotator (signed out at once, no login) and enable them again", async () => {
    const { app, web, alice } = await withAssignment();
    const admin = new WebClient(app);
    await admin.login("admin", ADMIN_PASSWORD);
    await admin.get("/admin");
    assert.equal((await admin.post(`/admin/users/${alice.id}/disable`)).status, 200);
    assert.equal((await web.get("/")).location, "/login", "her open session ended");
    const again = new WebClient(app);
    assert.equal((await again.login("alice", ANNOTATOR_PASSWORD)).status, 403);
    await admin.post(`/admin/users/${alice.id}/enable`);
    assert.equal((await again.login("alice", ANNOTATOR_PASSWORD)).status, 303);
    await admin.post(`/admin/users/${alice.id}/sign-out`);
    assert.equal((await again.get("/")).location, "/login");
  });

  it("purges expired sign-in sessions and invites", async () => {
    const { app, store, alice } = await withAssignment();
    store.createWebSession("old", alice.id, "csrf", "2000-01-01T00:00:00.000Z");
    store.createInvite({
      tokenHash: "stale",
      name: "late",
      role: "annotator",
      createdBy: 1,
      expiresAt: "2000-01-01T00:00:00.000Z",
    });
    await new WebClient(app).login("admin", ADMIN_PASSWORD);
    const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
    assert.equal(count("SELECT COUNT(*) AS n FROM web_sessions WHERE id_hash = 'old'"), 0);
    assert.equal(count("SELECT COUNT(*) AS n FROM invites WHERE token_hash = 'stale'"), 0);
  });

  it("deletes or reassigns an assignment that has not started, and refuses once it has", async () => {
    const { app, store, alice, web } = await withAssignment();
    const bob = await addAnnotator(store, "bob");
    store.createAssignments([
      {
        annotatorId: alice.id,
        cardId: "c1",
        counselorA: "baseline-a",
        counselorB: "baseline-b",
        mode: "client",
      },
    ]);
    const [started, fresh] = store.listAssignments({ annotatorId: alice.id });
    await web.post(`/assignments/${started!.id}/start`);
    const admin = new WebClient(app);
    await admin.login("admin", ADMIN_PASSWORD);
    await admin.get("/admin");
    assert.equal((await admin.post(`/admin/assignments/${started!.id}/delete`)).status, 400);
    assert.equal(
      (await admin.post(`/admin/assignments/${fresh!.id}/reassign`, { annotator: String(bob.id) }))
        .status,
      200,
    );
    assert.equal(store.getAssignment(fresh!.id)!.annotatorName, "bob");
    assert.equal((await admin.post(`/admin/assignments/${fresh!.id}/delete`)).status, 200);
    assert.equal(store.getAssignment(fresh!.id), null);
  });
});
