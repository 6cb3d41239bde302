import type Database from "better-sqlite3";
import { PsysimError } from "../core/errors.js";
import { migrateSqlite } from "../core/sqlite-migrations.js";

/**
 * Schema changes, numbered by position: migration i brings `PRAGMA user_version` from i to
 * i + 1. Append only; never edit a migration that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'annotator')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    used_at TEXT
  );
  CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'annotator')),
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
  );
  CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE TABLE role_cards (
    id TEXT PRIMARY KEY,
    language TEXT NOT NULL,
    card TEXT NOT NULL,
    imported_at TEXT NOT NULL
  );
  CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    annotator_id INTEGER NOT NULL REFERENCES users(id),
    card_id TEXT NOT NULL REFERENCES role_cards(id),
    counselor_a TEXT NOT NULL,
    counselor_b TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('arena', 'client')),
    created_at TEXT NOT NULL
  );
  CREATE INDEX assignments_by_annotator ON assignments(annotator_id);
  CREATE TABLE arena_sessions (
    id TEXT PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    annotator_id INTEGER NOT NULL REFERENCES users(id),
    seed INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'finished', 'restarted')),
    dialogue TEXT NOT NULL,
    pending TEXT,
    error TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE INDEX sessions_by_assignment ON arena_sessions(assignment_id);
  CREATE TABLE battles (
    id TEXT PRIMARY KEY,
    session_id TEXT REFERENCES arena_sessions(id),
    turn INTEGER NOT NULL,
    judge TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('human', 'import')),
    record TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX one_vote_per_turn ON battles(session_id, turn) WHERE session_id IS NOT NULL;
  `,
  // Undo keeps a retracted vote, so one live vote per turn; guidelines and other settings;
  // generation errors kept for the admin (annotators see only the id); login throttling that
  // survives a restart; accounts the admin disabled.
  `
  ALTER TABLE battles ADD COLUMN retracted_at TEXT;
  DROP INDEX one_vote_per_turn;
  CREATE UNIQUE INDEX one_vote_per_turn ON battles(session_id, turn)
    WHERE session_id IS NOT NULL AND retracted_at IS NULL;
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE generation_errors (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL
  );
  ALTER TABLE users ADD COLUMN disabled_at TEXT;
  `,
];

/** Brings the database to the latest schema (see `migrateSqlite`); returns the schema version. */
export function migrate(db: Database.Database): number {
  migrateSqlite(
    db,
    MIGRATIONS,
    (version) =>
      new PsysimError(
        "INPUT_INVALID",
        `database schema version ${version} is newer than this psysim understands (${MIGRATIONS.length}); upgrade psysim or use another --db`,
      ),
  );
  return MIGRATIONS.length;
}
