import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { BattleSchema, type Battle } from "../core/battle.js";
import { DialogueSchema } from "../core/dialogue.js";
import { PsysimError } from "../core/errors.js";
import type { RoleCard } from "../core/role-card.js";
import type {
  AnnotationStore,
  AnnotatorProgress,
  ArenaSession,
  Assignment,
  GenerationError,
  NewAssignment,
  NewInvite,
  PendingInvite,
  PendingTurn,
  User,
  UserRole,
  VoteOutcome,
  WebSession,
} from "./annotation-store.js";
import type { ThrottleState } from "./login-rate-limit.js";
import { migrate } from "./migrations.js";
import { HUMAN_BATTLE_PREFIX } from "./session-ids.js";

interface UserRow {
  id: number;
  name: string;
  role: UserRole;
  created_at: string;
  password_hash: string;
  disabled_at: string | null;
}

interface AssignmentRow {
  id: number;
  annotator_id: number;
  annotator_name: string;
  card_id: string;
  counselor_a: string;
  counselor_b: string;
  mode: Assignment["mode"];
  created_at: string;
}

interface SessionRow {
  id: string;
  assignment_id: number;
  annotator_id: number;
  seed: number;
  status: ArenaSession["status"];
  dialogue: string;
  pending: string | null;
  error: string | null;
  version: number;
  started_at: string;
  finished_at: string | null;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: row.created_at,
  disabledAt: row.disabled_at ?? null,
});

const toAssignment = (row: AssignmentRow): Assignment => ({
  id: row.id,
  annotatorId: row.annotator_id,
  annotatorName: row.annotator_name,
  cardId: row.card_id,
  counselorA: row.counselor_a,
  counselorB: row.counselor_b,
  mode: row.mode,
  createdAt: row.created_at,
});

const toSession = (row: SessionRow): ArenaSession => ({
  id: row.id,
  assignmentId: row.assignment_id,
  annotatorId: row.annotator_id,
  seed: row.seed,
  status: row.status,
  dialogue: DialogueSchema.parse(JSON.parse(row.dialogue)),
  pending: row.pending === null ? null : (JSON.parse(row.pending) as PendingTurn),
  error: row.error,
  version: row.version,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

const PAGE = 500;

/** Thrown inside a transaction to roll it back when a session was written meanwhile. */
class StaleWrite extends Error {}

const ASSIGNMENT_SELECT = `SELECT a.*, u.name AS annotator_name FROM assignments a JOIN users u ON u.id = a.annotator_id`;

/** The annotation store in one SQLite file (WAL), migrated on open. `:memory:` gives a throwaway store. */
export class SqliteAnnotationStore implements AnnotationStore {
  readonly db: Database.Database;
  private readonly now: () => string;
  /** Prepared once per SQL text: preparing is most of the cost of a small query. */
  private readonly statements = new Map<string, Database.Statement>();

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  constructor(file: string, options: { now?: () => string } = {}) {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    try {
      this.db = new Database(file);
    } catch (error) {
      throw new PsysimError(
        "OUTPUT_UNWRITABLE",
        `${file}: cannot open the database (${(error as Error).message})`,
      );
    }
    this.db.pragma("journal_mode = WAL");
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    migrate(this.db);
    this.now = options.now ?? (() => new Date().toISOString());
  }

  countUsers(role?: UserRole): number {
    const row = role
      ? (this.sql("SELECT COUNT(*) AS n FROM users WHERE role = ?").get(role) as { n: number })
      : (this.sql("SELECT COUNT(*) AS n FROM users").get() as { n: number });
    return row.n;
  }

  createUser(name: string, role: UserRole, passwordHash: string): User {
    const createdAt = this.now();
    const info = this.sql(
      "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
    ).run(name, role, passwordHash, createdAt);
    return { id: Number(info.lastInsertRowid), name, role, createdAt };
  }

  getUser(id: number): User | null {
    const row = this.sql("SELECT * FROM users WHERE id = ?").get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  findLogin(name: string): { user: User; passwordHash: string } | null {
    const row = this.sql("SELECT * FROM users WHERE name = ?").get(name) as UserRow | undefined;
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  listUsers(): User[] {
    return (this.sql("SELECT * FROM users ORDER BY id").all() as UserRow[]).map(toUser);
  }

  createSetupToken(tokenHash: string): void {
    this.db.transaction(() => {
      this.sql("DELETE FROM setup_tokens WHERE used_at IS NULL").run();
      this.sql("INSERT INTO setup_tokens (token_hash, created_at) VALUES (?, ?)").run(
        tokenHash,
        this.now(),
      );
    })();
  }

  consumeSetupToken(tokenHash: string, name: string, passwordHash: string): User | null {
    return this.db.transaction(() => {
      const spent = this.sql(
        "UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
      ).run(this.now(), tokenHash);
      if (spent.changes !== 1) return null;
      if (this.findLogin(name)) return null;
      return this.createUser(name, "admin", passwordHash);
    })();
  }

  createInvite(invite: NewInvite): void {
    this.db
      .prepare(
        "INSERT INTO invites (token_hash, name, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(
        invite.tokenHash,
        invite.name,
        invite.role,
        invite.createdBy,
        this.now(),
        invite.expiresAt,
      );
  }

  listPendingInvites(now: string): PendingInvite[] {
    return (
      this.sql(
        "SELECT name, role, created_at, expires_at FROM invites WHERE used_at IS NULL AND expires_at > ? ORDER BY created_at DESC",
      ).all(now) as { name: string; role: UserRole; created_at: string; expires_at: string }[]
    ).map((r) => ({
      name: r.name,
      role: r.role,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    }));
  }

  findOpenInvite(tokenHash: string, now: string): { name: string; role: UserRole } | null {
    const row = this.sql(
      "SELECT name, role FROM invites WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
    ).get(tokenHash, now) as { name: string; role: UserRole } | undefined;
    return row ?? null;
  }

  acceptInvite(tokenHash: string, passwordHash: string, now: string): User | null {
    return this.db.transaction(() => {
      const invite = this.findOpenInvite(tokenHash, now);
      if (!invite || this.findLogin(invite.name)) return null;
      this.sql("UPDATE invites SET used_at = ? WHERE token_hash = ?").run(now, tokenHash);
      return this.createUser(invite.name, invite.role, passwordHash);
    })();
  }

  createWebSession(idHash: string, userId: number, csrfToken: string, expiresAt: string): void {
    this.db
      .prepare(
        "INSERT INTO web_sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run(idHash, userId, csrfToken, this.now(), expiresAt);
  }

  findWebSession(idHash: string, now: string): WebSession | null {
    const row = this.db
      .prepare(
        "SELECT u.*, s.csrf_token, s.expires_at FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL",
      )
      .get(idHash, now) as (UserRow & { csrf_token: string; expires_at: string }) | undefined;
    return row ? { user: toUser(row), csrfToken: row.csrf_token, expiresAt: row.expires_at } : null;
  }

  deleteWebSession(idHash: string): void {
    this.sql("DELETE FROM web_sessions WHERE id_hash = ?").run(idHash);
  }

  deleteUserWebSessions(userId: number): number {
    return this.sql("DELETE FROM web_sessions WHERE user_id = ?").run(userId).changes;
  }

  setUserDisabled(userId: number, disabled: boolean, at: string): void {
    this.db.transaction(() => {
      this.sql("UPDATE users SET disabled_at = ? WHERE id = ?").run(disabled ? at : null, userId);
      if (disabled) this.deleteUserWebSessions(userId);
    })();
  }

  purgeExpired(now: Date, idleMs: number): number {
    const iso = now.toISOString();
    return this.db.transaction(() => {
      let removed = this.sql("DELETE FROM web_sessions WHERE expires_at <= ?").run(iso).changes;
      removed += this.sql("DELETE FROM invites WHERE used_at IS NULL AND expires_at <= ?").run(
        iso,
      ).changes;
      removed += this.sql(
        "DELETE FROM login_throttle WHERE blocked_until <= ? AND last_failure_at <= ?",
      ).run(now.getTime(), now.getTime() - idleMs).changes;
      return removed;
    })();
  }

  updateThrottle(
    keys: readonly string[],
    decide: (rows: ReadonlyMap<string, ThrottleState>) => Map<string, ThrottleState | null>,
  ): void {
    const read = this.sql("SELECT * FROM login_throttle WHERE key = ?");
    const put = this.sql(
      "INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until",
    );
    const remove = this.sql("DELETE FROM login_throttle WHERE key = ?");
    this.db
      .transaction(() => {
        const rows = new Map<string, ThrottleState>();
        for (const key of keys) {
          const row = read.get(key) as
            { failures: number; last_failure_at: number; blocked_until: number } | undefined;
          if (row)
            rows.set(key, {
              failures: row.failures,
              lastFailureAt: row.last_failure_at,
              blockedUntil: row.blocked_until,
            });
        }
        for (const [key, state] of decide(rows)) {
          if (state) put.run(key, state.failures, state.lastFailureAt, state.blockedUntil);
          else remove.run(key);
        }
      })
      .immediate();
  }

  upsertRoleCards(cards: RoleCard[]): { added: number; replaced: number } {
    const exists = this.sql("SELECT 1 FROM role_cards WHERE id = ?");
    const put = this.sql(
      "INSERT INTO role_cards (id, language, card, imported_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET language = excluded.language, card = excluded.card, imported_at = excluded.imported_at",
    );
    return this.db.transaction(() => {
      let added = 0;
      let replaced = 0;
      const at = this.now();
      for (const card of cards) {
        if (exists.get(card.id)) replaced++;
        else added++;
        put.run(card.id, card.language, JSON.stringify(card), at);
      }
      return { added, replaced };
    })();
  }

  getRoleCard(id: string): RoleCard | null {
    const row = this.sql("SELECT card FROM role_cards WHERE id = ?").get(id) as
      { card: string } | undefined;
    return row ? (JSON.parse(row.card) as RoleCard) : null;
  }

  listRoleCards(): RoleCard[] {
    return (this.sql("SELECT card FROM role_cards ORDER BY id").all() as { card: string }[]).map(
      (r) => JSON.parse(r.card) as RoleCard,
    );
  }

  createAssignments(assignments: NewAssignment[]): number {
    const insert = this.sql(
      "INSERT INTO assignments (annotator_id, card_id, counselor_a, counselor_b, mode, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    return this.db.transaction(() => {
      const at = this.now();
      for (const a of assignments)
        insert.run(a.annotatorId, a.cardId, a.counselorA, a.counselorB, a.mode, at);
      return assignments.length;
    })();
  }

  deleteAssignment(id: number): boolean {
    return (
      this.sql(
        "DELETE FROM assignments WHERE id = ? AND NOT EXISTS (SELECT 1 FROM arena_sessions WHERE assignment_id = ?)",
      ).run(id, id).changes === 1
    );
  }

  reassignAssignment(id: number, annotatorId: number): boolean {
    return (
      this.sql(
        "UPDATE assignments SET annotator_id = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM arena_sessions WHERE assignment_id = ?) AND EXISTS (SELECT 1 FROM users WHERE id = ? AND role = 'annotator')",
      ).run(annotatorId, id, id, annotatorId).changes === 1
    );
  }

  getAssignment(id: number): Assignment | null {
    const row = this.sql(`${ASSIGNMENT_SELECT} WHERE a.id = ?`).get(id) as
      AssignmentRow | undefined;
    return row ? toAssignment(row) : null;
  }

  listAssignments(filter: { annotatorId?: number } = {}): Assignment[] {
    const rows =
      filter.annotatorId === undefined
        ? (this.sql(`${ASSIGNMENT_SELECT} ORDER BY a.id`).all() as AssignmentRow[])
        : (this.sql(`${ASSIGNMENT_SELECT} WHERE a.annotator_id = ? ORDER BY a.id`).all(
            filter.annotatorId,
          ) as AssignmentRow[]);
    return rows.map(toAssignment);
  }

  annotatorProgress(): AnnotatorProgress[] {
    const rows = this.db
      .prepare(
        `SELECT u.id, u.name,
           (SELECT COUNT(*) FROM assignments a WHERE a.annotator_id = u.id) AS assignments,
           (SELECT COUNT(DISTINCT s.assignment_id) FROM arena_sessions s WHERE s.annotator_id = u.id AND s.status = 'finished') AS finished,
           (SELECT COUNT(*) FROM arena_sessions s WHERE s.annotator_id = u.id AND s.status = 'active') AS active,
           (SELECT COUNT(*) FROM battles b JOIN arena_sessions s ON s.id = b.session_id WHERE s.annotator_id = u.id) AS votes,
           (SELECT MAX(b.created_at) FROM battles b JOIN arena_sessions s ON s.id = b.session_id WHERE s.annotator_id = u.id) AS last_vote_at
         FROM users u WHERE u.role = 'annotator' ORDER BY u.name`,
      )
      .all() as Array<{
      id: number;
      name: string;
      assignments: number;
      finished: number;
      active: number;
      votes: number;
      last_vote_at: string | null;
    }>;
    return rows.map((r) => ({
      annotatorId: r.id,
      name: r.name,
      assignments: r.assignments,
      finished: r.finished,
      active: r.active,
      votes: r.votes,
      lastVoteAt: r.last_vote_at,
    }));
  }

  createArenaSession(
    session: Omit<ArenaSession, "version" | "finishedAt" | "error" | "status">,
  ): ArenaSession {
    this.db
      .prepare(
        "INSERT INTO arena_sessions (id, assignment_id, annotator_id, seed, status, dialogue, pending, started_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
      )
      .run(
        session.id,
        session.assignmentId,
        session.annotatorId,
        session.seed,
        JSON.stringify(session.dialogue),
        session.pending ? JSON.stringify(session.pending) : null,
        session.startedAt,
      );
    return this.getArenaSession(session.id)!;
  }

  getArenaSession(id: string): ArenaSession | null {
    const row = this.sql("SELECT * FROM arena_sessions WHERE id = ?").get(id) as
      SessionRow | undefined;
    return row ? toSession(row) : null;
  }

  listSessions(filter: { assignmentId?: number; annotatorId?: number }): ArenaSession[] {
    const where: string[] = [];
    const args: number[] = [];
    if (filter.assignmentId !== undefined) {
      where.push("assignment_id = ?");
      args.push(filter.assignmentId);
    }
    if (filter.annotatorId !== undefined) {
      where.push("annotator_id = ?");
      args.push(filter.annotatorId);
    }
    const sql = `SELECT * FROM arena_sessions ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY started_at, id`;
    return (this.sql(sql).all(...args) as SessionRow[]).map(toSession);
  }

  saveArenaSession(session: ArenaSession): ArenaSession | null {
    const info = this.db
      .prepare(
        "UPDATE arena_sessions SET status = ?, dialogue = ?, pending = ?, error = ?, finished_at = ?, version = version + 1 WHERE id = ? AND version = ?",
      )
      .run(
        session.status,
        JSON.stringify(session.dialogue),
        session.pending ? JSON.stringify(session.pending) : null,
        session.error,
        session.finishedAt,
        session.id,
        session.version,
      );
    return info.changes === 1 ? { ...session, version: session.version + 1 } : null;
  }

  recordVote(battle: Battle, next: ArenaSession): VoteOutcome {
    return this.db
      .transaction((): VoteOutcome => {
        const existing = this.battleForTurn(next.id, battle.turn);
        if (existing) return { kind: "duplicate", battle: existing };
        const saved = this.saveArenaSession(next);
        if (!saved) return { kind: "stale" };
        this.db
          .prepare(
            "INSERT INTO battles (id, session_id, turn, judge, source, record, created_at) VALUES (?, ?, ?, ?, 'human', ?, ?)",
          )
          .run(battle.id, next.id, battle.turn, battle.judge, JSON.stringify(battle), battle.ts);
        return { kind: "recorded", session: saved };
      })
      .immediate();
  }

  battleForTurn(sessionId: string, turn: number): Battle | null {
    const row = this.sql(
      "SELECT record FROM battles WHERE session_id = ? AND turn = ? AND retracted_at IS NULL",
    ).get(sessionId, turn) as { record: string } | undefined;
    return row ? BattleSchema.parse(JSON.parse(row.record)) : null;
  }

  sessionBattles(sessionId: string): Battle[] {
    return (
      this.sql("SELECT record FROM battles WHERE session_id = ? ORDER BY rowid").all(sessionId) as {
        record: string;
      }[]
    ).map((row) => BattleSchema.parse(JSON.parse(row.record)));
  }

  retractVote(battleId: string, at: string, next: ArenaSession): boolean {
    const retract = this.db.transaction((): boolean => {
      const marked = this.sql(
        "UPDATE battles SET retracted_at = ?, record = json_set(record, '$.retracted_at', ?) WHERE id = ? AND source = 'human' AND retracted_at IS NULL",
      ).run(at, at, battleId);
      if (marked.changes !== 1) return false;
      if (!this.saveArenaSession(next)) throw new StaleWrite();
      return true;
    });
    try {
      return retract.immediate();
    } catch (error) {
      if (error instanceof StaleWrite) return false;
      throw error;
    }
  }

  recordGenerationError(error: GenerationError): void {
    this.sql(
      "INSERT INTO generation_errors (id, session_id, message, created_at) VALUES (?, ?, ?, ?)",
    ).run(error.id, error.sessionId, error.message, error.createdAt);
  }

  generationError(id: string): GenerationError | null {
    const row = this.sql("SELECT * FROM generation_errors WHERE id = ?").get(id) as
      { id: string; session_id: string; message: string; created_at: string } | undefined;
    return row
      ? { id: row.id, sessionId: row.session_id, message: row.message, createdAt: row.created_at }
      : null;
  }

  listGenerationErrors(limit: number): GenerationError[] {
    return (
      this.sql("SELECT * FROM generation_errors ORDER BY created_at DESC, rowid DESC LIMIT ?").all(
        limit,
      ) as { id: string; session_id: string; message: string; created_at: string }[]
    ).map((row) => ({
      id: row.id,
      sessionId: row.session_id,
      message: row.message,
      createdAt: row.created_at,
    }));
  }

  getSetting(key: string): { value: string; updatedAt: string } | null {
    const row = this.sql("SELECT value, updated_at FROM settings WHERE key = ?").get(key) as
      { value: string; updated_at: string } | undefined;
    return row ? { value: row.value, updatedAt: row.updated_at } : null;
  }

  putSetting(key: string, value: string): void {
    this.sql(
      "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    ).run(key, value, this.now());
  }

  importBattles(battles: Battle[]): { added: number; skipped: number } {
    const insert = this.sql(
      "INSERT OR IGNORE INTO battles (id, session_id, turn, judge, source, record, created_at) VALUES (?, NULL, ?, ?, 'import', ?, ?)",
    );
    return this.db.transaction(() => {
      let added = 0;
      const at = this.now();
      for (const b of battles)
        if (!b.id.startsWith(HUMAN_BATTLE_PREFIX))
          added += insert.run(b.id, b.turn, b.judge, JSON.stringify(b), at).changes;
      return { added, skipped: battles.length - added };
    })();
  }

  // Exports read in pages rather than with one open cursor: better-sqlite3 refuses writes on a
  // connection while a cursor is open, and a streamed export must not block votes.
  *iterateBattles(
    filter: { source?: "human" | "import"; includeRetracted?: boolean } = {},
  ): IterableIterator<Battle> {
    const page = this.sql(
      `SELECT rowid, record FROM battles WHERE rowid > ? ${filter.includeRetracted ? "" : "AND retracted_at IS NULL"} ${filter.source ? "AND source = ?" : ""} ORDER BY rowid LIMIT ${PAGE}`,
    );
    for (let after = 0; ;) {
      const rows = (filter.source ? page.all(after, filter.source) : page.all(after)) as Array<{
        rowid: number;
        record: string;
      }>;
      for (const row of rows) yield BattleSchema.parse(JSON.parse(row.record));
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.rowid;
    }
  }

  *iterateSessions(): IterableIterator<ArenaSession & { annotatorName: string; cardId: string }> {
    const page = this.sql(
      `SELECT s.rowid, s.*, u.name AS annotator_name, a.card_id FROM arena_sessions s JOIN users u ON u.id = s.annotator_id JOIN assignments a ON a.id = s.assignment_id WHERE s.rowid > ? ORDER BY s.rowid LIMIT ${PAGE}`,
    );
    for (let after = 0; ;) {
      const rows = page.all(after) as Array<
        SessionRow & { rowid: number; annotator_name: string; card_id: string }
      >;
      for (const row of rows)
        yield { ...toSession(row), annotatorName: row.annotator_name, cardId: row.card_id };
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.rowid;
    }
  }

  integrityCheck(): string {
    return this.db.pragma("integrity_check", { simple: true }) as string;
  }

  close(): void {
    this.db.close();
  }
}
