import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";
import { createBaselineChatModel } from "../../src/llm/providers/baseline.js";
import {
  addAnnotator,
  ADMIN_PASSWORD,
  ANNOTATOR_PASSWORD,
  makePlatform,
  WebClient,
  zhCard,
} from "./helpers.js";

const HOSTILE = `<script>alert(1)</script><img src=x onerror=alert(2)>`;

async function platformWithAssignment(
  counselors?: Record<string, import("../../src/llm/chat-model.js").ChatModel>,
) {
  const platform = await makePlatform(counselors ? { counselors } : {});
  const alice = await addAnnotator(platform.store, "alice");
  const bob = await addAnnotator(platform.store, "bob");
  platform.store.upsertRoleCards([zhCard("c1", `我睡不好。${HOSTILE}`)]);
  const names = platform.engine.counselorNames();
  platform.store.createAssignments([
    {
      annotatorId: alice.id,
      cardId: "c1",
      counselorA: names[0]!,
      counselorB: names[1]!,
      mode: "arena",
    },
  ]);
  return { ...platform, alice, bob };
}

describe("annotation platform security", () => {
  it("sends every page and export to the login page without a session", async () => {
    const { app } = await makePlatform();
    const web = new WebClient(app);
    for (const path of [
      "/",
      "/admin",
      "/admin/export/battles.jsonl",
      "/admin/export/sessions.jsonl",
      "/sessions/hs-1",
      "/leaderboard",
    ]) {
      const reply = await web.get(path);
      assert.deepEqual([path, reply.status, reply.location], [path, 303, "/login"]);
    }
  });

  it("refuses state-changing requests without a session even with a valid CSRF token", async () => {
    const { app } = await makePlatform();
    const web = new WebClient(app);
    await web.get("/login");
    const reply = await web.post("/admin/invites", { name: "mallory" });
    assert.equal(reply.status, 401);
  });

  it("issues HttpOnly SameSite=Strict session cookies, a fresh id at each login, and ends them at logout", async () => {
    const { app } = await makePlatform();
    const web = new WebClient(app);
    const first = await web.login("admin", ADMIN_PASSWORD);
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith("psysim_session="))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const firstId = web.cookies.get("psysim_session")!;
    assert.equal((await web.post("/logout")).location, "/login");
    const stale = new WebClient(app);
    stale.cookies.set("psysim_session", firstId);
    assert.equal((await stale.get("/admin")).location, "/login");
    await web.login("admin", ADMIN_PASSWORD);
    assert.ok(web.cookies.get("psysim_session"));
    assert.notEqual(web.cookies.get("psysim_session"), firstId);
  });

  it("stores passwords only as salted scrypt hashes", async () => {
    const { store } = await makePlatform();
    const rows = store.db.prepare("SELECT password_hash FROM users").all() as {
      password_hash: string;
    }[];
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.password_hash, /^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.ok(!rows[0]!.password_hash.includes(ADMIN_PASSWORD));
  });

  it("rate-limits failed logins per account, even for the right password, until the window passes", async () => {
    let clock = 0;
    const { app } = await makePlatform({
      loginThrottle: { now: () => clock },
    });
    const web = new WebClient(app);
    await web.get("/login");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await web.post("/login", { name: "admin", password: "wrong-password" })).status,
      );
    const blocked = await web.post("/login", { name: "admin", password: ADMIN_PASSWORD });
    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
    assert.equal(blocked.status, 429);
    assert.equal(blocked.headers.get("retry-after"), "60");
    clock = 60_001;
    assert.equal(
      (await web.post("/login", { name: "admin", password: ADMIN_PASSWORD })).status,
      303,
    );
  });

  it("refuses a state-changing request with a missing or wrong CSRF token or from another origin", async () => {
    const { app, store } = await makePlatform();
    const web = new WebClient(app);
    await web.login("admin", ADMIN_PASSWORD);
    await web.get("/admin");
    const missing = await web.request("/admin/invites", {
      method: "POST",
      body: new URLSearchParams({ name: "m1" }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const wrong = await web.post("/admin/invites", { name: "m2", _csrf: "x".repeat(43) });
    const crossOrigin = await web.post(
      "/admin/invites",
      { name: "m3" },
      { origin: "http://evil.example" },
    );
    const good = await web.post("/admin/invites", { name: "m4" });
    assert.deepEqual(
      [missing.status, wrong.status, crossOrigin.status, good.status],
      [403, 403, 403, 200],
    );
    assert.equal(
      (store.db.prepare("SELECT COUNT(*) AS n FROM invites").get() as { n: number }).n,
      1,
    );
  });

  it("sends a strict Content-Security-Policy and the other secure headers on pages", async () => {
    const { app } = await makePlatform();
    const reply = await new WebClient(app).get("/login");
    const csp = reply.headers.get("content-security-policy") ?? "";
    for (const part of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "form-action 'self'",
    ])
      assert.ok(csp.includes(part), `CSP lacks ${part}: ${csp}`);
    assert.equal(reply.headers.get("x-content-type-options"), "nosniff");
    assert.equal(reply.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.equal(reply.headers.get("referrer-policy"), "same-origin");
  });

  it("shows annotators only their own assignments and sessions", async () => {
    const { app, store, alice } = await platformWithAssignment();
    const aliceWeb = new WebClient(app);
    await aliceWeb.login("alice", ANNOTATOR_PASSWORD);
    const [assignment] = store.listAssignments({ annotatorId: alice.id });
    const started = await aliceWeb.post(`/assignments/${assignment!.id}/start`);
    const sessionPath = started.location!.replace(/#.*/, "");

    const bobWeb = new WebClient(app);
    await bobWeb.login("bob", ANNOTATOR_PASSWORD);
    const home = await bobWeb.get("/");
    assert.ok(!home.text.includes("c1"));
    assert.equal((await bobWeb.get(sessionPath)).status, 404);
    assert.equal((await bobWeb.post(`${sessionPath}/vote`, { turn: "1", pick: "A" })).status, 404);
    assert.equal((await bobWeb.post(`/assignments/${assignment!.id}/start`)).status, 404);
    assert.equal((await bobWeb.get("/admin")).status, 403);
    assert.equal((await bobWeb.get("/admin/export/battles.jsonl")).status, 403);
    assert.equal(store.battleForTurn(sessionPath.split("/").at(-1)!, 1), null);
  });

  it("renders model replies and role-card text containing markup as text", async () => {
    const hostile = new ScriptedChatModel(() => `你好。${HOSTILE}`, { id: "hostile" });
    const { app, store, alice } = await platformWithAssignment({
      hostile,
      calm: createBaselineChatModel(),
    });
    const web = new WebClient(app);
    await web.login("alice", ANNOTATOR_PASSWORD);
    const [assignment] = store.listAssignments({ annotatorId: alice.id });
    const started = await web.post(`/assignments/${assignment!.id}/start`);
    const page = await web.get(started.location!.replace(/#.*/, ""));
    assert.equal(page.status, 200);
    assert.ok(
      page.text.includes("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"),
    );
    assert.ok(!page.text.includes("<script>alert"));
    assert.ok(!/<img[^>]*onerror/i.test(page.text));
  });

  it("keeps the counselors anonymous until the session ends", async () => {
    const { app, store, alice } = await platformWithAssignment();
    const web = new WebClient(app);
    await web.login("alice", ANNOTATOR_PASSWORD);
    const [assignment] = store.listAssignments({ annotatorId: alice.id });
    const started = await web.post(`/assignments/${assignment!.id}/start`);
    const page = await web.get(started.location!.replace(/#.*/, ""));
    assert.ok(page.text.includes("data-vote-form"));
    assert.ok(!page.text.includes("baseline-a") && !page.text.includes("baseline-b"));
  });

  it("serves exports only under fixed names, so no request reaches another path", async () => {
    const { app } = await makePlatform();
    const web = new WebClient(app);
    await web.login("admin", ANNOTATOR_PASSWORD.replace("annotator", "admin"));
    for (const path of [
      "/admin/export/..%2f..%2fpackage.json",
      "/admin/export/%2e%2e%2fetc%2fpasswd",
      "/admin/export/constructor",
      "/admin/export/__proto__",
      "/static/..%2fapp.ts",
      "/static/%2e%2e%2f%2e%2e%2fpackage.json",
    ]) {
      const reply = await web.get(path);
      assert.deepEqual([path, reply.status], [path, 404]);
    }
    const battles = await web.get("/admin/export/battles.jsonl");
    assert.equal(battles.status, 200);
    assert.equal(
      battles.headers.get("content-disposition"),
      'attachment; filename="battles.jsonl"',
    );
  });
});
