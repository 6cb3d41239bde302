import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir, writeTemp } from "../helpers.js";
import { bootstrapAdmin } from "../../src/server/admin-bootstrap.js";
import { MIGRATIONS } from "../../src/server/migrations.js";
import { startServer } from "../../src/server/serve.js";
import { SqliteAnnotationStore } from "../../src/server/sqlite-annotation-store.js";
import { CHEAP_SCRYPT, makePlatform, WebClient } from "./helpers.js";

describe("psysim serve", () => {
  it("serves over loopback HTTP with an admin from PSYSIM_ADMIN_PASSWORD and a migrated WAL database", async () => {
    const dir = tempDir();
    const db = join(dir, "annotations.sqlite");
    const server = await startServer({
      db,
      port: 0,
      cache: false,
      env: { PSYSIM_ADMIN_PASSWORD: "a-long-admin-password" },
    });
    try {
      assert.deepEqual(
        [server.admin, server.counselors, server.isBaseline],
        [{ kind: "created", name: "admin" }, ["baseline-a", "baseline-b"], true],
      );
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const login = await fetch(`${server.url}/login`);
      const token = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
      const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
      const signedIn = await fetch(`${server.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          _csrf: token,
          name: "admin",
          password: "a-long-admin-password",
        }),
      });
      assert.deepEqual([signedIn.status, signedIn.headers.get("location")], [303, "/admin"]);
      assert.equal(server.store.db.pragma("journal_mode", { simple: true }), "wal");
      assert.equal(server.store.db.pragma("user_version", { simple: true }), MIGRATIONS.length);
    } finally {
      await server.close();
    }
    const again = await startServer({ db, port: 0, cache: false, env: {} });
    try {
      assert.deepEqual(again.admin, { kind: "exists" });
    } finally {
      await again.close();
    }
  });

  it("preloads --cards before listening and answers only the --public-url host", async () => {
    const db = join(tempDir(), "annotations.sqlite");
    const server = await startServer({
      db,
      port: 0,
      cache: false,
      env: { PSYSIM_ADMIN_PASSWORD: "a-long-admin-password" },
      cards: ["examples/cards.zh.jsonl"],
      publicUrl: "http://annotate.test",
    });
    try {
      assert.deepEqual(server.cards, { added: 10, replaced: 0 });
      assert.equal(server.store.listRoleCards().length, 10);
      assert.equal(server.publicUrl, "http://annotate.test");
      assert.equal(
        (await fetch(`${server.url}/login`)).status,
        421,
        "the listen address is not the public host",
      );
    } finally {
      await server.close();
    }
  });

  it("offers a one-time setup link when no admin password is given, and the link works once", async () => {
    const { store, app } = await makePlatform();
    store.db.prepare("DELETE FROM users").run();
    const first = await bootstrapAdmin(store, {}, CHEAP_SCRYPT);
    const boot = await bootstrapAdmin(store, {}, CHEAP_SCRYPT);
    assert.equal(boot.kind, "setup-token");
    const token = (boot as { token: string }).token;
    const web = new WebClient(app);
    await web.get(`/setup?token=${token}`);
    const stale = await web.post("/setup", {
      token: (first as { token: string }).token,
      name: "root",
      password: "root-password-1",
    });
    assert.equal(stale.status, 403, "an earlier token stops working when a new one is issued");
    const made = await web.post("/setup", { token, name: "root", password: "root-password-1" });
    assert.equal(made.location, "/admin");
    const other = new WebClient(app);
    await other.get(`/setup?token=${token}`);
    assert.equal(
      (await other.post("/setup", { token, name: "root2", password: "root-password-2" })).status,
      403,
    );
    assert.deepEqual(
      store.listUsers().map((u) => [u.name, u.role]),
      [["root", "admin"]],
    );
  });

  it("takes its counselors from the config's counselors: section and refuses fewer than two", async () => {
    const dir = tempDir();
    const two = writeTemp(
      dir,
      "two.yaml",
      "counselors:\n  warm: baseline\n  brisk: { model: baseline, system_prompt: none }\nserve:\n  max_turns: 6\n",
    );
    const server = await startServer({
      config: two,
      db: join(dir, "a.sqlite"),
      port: 0,
      cache: false,
      env: {},
    });
    try {
      assert.deepEqual(server.counselors, ["warm", "brisk"]);
    } finally {
      await server.close();
    }
    const one = writeTemp(dir, "one.yaml", "counselors:\n  warm: baseline\n");
    await assert.rejects(
      startServer({ config: one, db: join(dir, "b.sqlite"), port: 0, cache: false, env: {} }),
      /counselors: the annotation platform compares two counselors/,
    );
    const bad = writeTemp(dir, "bad.yaml", "serve:\n  max_turns: 0\n");
    await assert.rejects(
      startServer({ config: bad, db: join(dir, "c.sqlite"), port: 0, cache: false, env: {} }),
      /bad\.yaml: serve\.max_turns: /,
    );
  });

  it("refuses a database written by a newer psysim", () => {
    const dir = tempDir();
    const file = join(dir, "future.sqlite");
    const store = new SqliteAnnotationStore(file);
    store.db.pragma("user_version = 99");
    store.close();
    assert.throws(
      () => new SqliteAnnotationStore(file),
      /schema version 99 is newer than this psysim understands/,
    );
  });
});
