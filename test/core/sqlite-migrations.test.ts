import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import Database from "better-sqlite3";
import { migrateSqlite } from "../../src/core/sqlite-migrations.js";
import { tempDir } from "../helpers.js";

const newer = (version: number) => new Error(`newer: ${version}`);
const version = (db: Database.Database) => db.pragma("user_version", { simple: true }) as number;
const tables = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);

describe("migrateSqlite", () => {
  it("applies the steps in order, recording each in user_version, and only once", () => {
    const file = join(tempDir(), "x.sqlite");
    const steps = ["CREATE TABLE a (x)", "CREATE TABLE b (y)", "ALTER TABLE a ADD COLUMN z"];
    const db = new Database(file);
    migrateSqlite(db, steps.slice(0, 1), newer);
    assert.equal(version(db), 1);
    migrateSqlite(db, steps, newer);
    assert.equal(version(db), 3);
    db.close();
    const again = new Database(file);
    migrateSqlite(again, steps, newer); // would fail on "duplicate column" if step 3 re-ran
    assert.deepEqual(tables(again), ["a", "b"]);
    assert.equal(version(again), 3);
    again.close();
  });

  it("keeps the steps that succeeded when a later one fails", () => {
    const db = new Database(":memory:");
    assert.throws(
      () => migrateSqlite(db, ["CREATE TABLE a (x)", "CREATE TABL b"], newer),
      /syntax/,
    );
    assert.equal(version(db), 1);
    assert.deepEqual(tables(db), ["a"]);
  });

  it("refuses a file written with more steps than it knows, without touching it", () => {
    const db = new Database(":memory:");
    db.pragma("user_version = 5");
    assert.throws(() => migrateSqlite(db, ["CREATE TABLE a (x)"], newer), /^Error: newer: 5$/);
    assert.deepEqual(tables(db), []);
  });
});
