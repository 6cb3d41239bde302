import { randomUUID } from "node:crypto";
import { statSync, unlinkSync } from "node:fs";
import Database from "better-sqlite3";
import { PsysimError } from "./errors.js";
import { ensureParentDir } from "./jsonl.js";

/** The lock file beside an output: `<out>.lock` (a folder's lock sits beside the folder). */
export function lockFileFor(output: string): string {
  return `${output.replace(/[\\/]+$/, "")}.lock`;
}

interface Holder {
  pid: number;
  command: string;
  since: string;
  nonce: string;
}

/**
 * One writer per output. The lock is a SQLite write transaction held open on `<out>.lock`
 * for the whole run: SQLite takes it with an OS file lock (fcntl on Unix), which the kernel
 * drops when the process ends in any way, `kill -9` included, so a crash never leaves a
 * stale lock. The holder's pid sits in the file, committed before the lock is taken, so a
 * second process can name it. The file is removed when the lock is released.
 */
export class OutputLock {
  readonly output: string;
  readonly file: string;
  private db: Database.Database | undefined;

  private constructor(output: string, file: string, db: Database.Database) {
    this.output = output;
    this.file = file;
    this.db = db;
  }

  /**
   * Takes the lock or refuses at once (OUTPUT_LOCKED) naming the holder's pid. Returns
   * undefined when no lock file can be made there (a device such as /dev/null, a read-only
   * folder): the output's own writer then reports what is wrong with it.
   */
  static acquire(output: string, command: string): OutputLock | undefined {
    if (!lockable(output)) return undefined;
    const file = lockFileFor(output);
    const nonce = randomUUID();
    // Bounded: each round either holds the lock, meets a holder, or lost a race to one.
    for (let round = 0; round < 8; round++) {
      let db: Database.Database;
      try {
        ensureParentDir(file);
        db = new Database(file, { timeout: 0 });
        db.pragma("synchronous = OFF");
        db.exec(
          "CREATE TABLE IF NOT EXISTS holder (pid INTEGER, command TEXT, since TEXT, nonce TEXT)",
        );
      } catch (error) {
        if (isBusy(error)) throw locked(output, file);
        return undefined;
      }
      const held = holdOrRecord(db, nonce, command);
      if (held === "held" && namesOurFile(file, nonce)) return new OutputLock(output, file, db);
      db.close();
      if (held === "busy") throw locked(output, file);
    }
    throw locked(output, file);
  }

  /** Drops the lock; the file goes first, while still held, so no one locks a file that is about to vanish unnoticed. */
  release(): void {
    if (!this.db) return;
    try {
      unlinkSync(this.file);
    } catch {
      // Already gone (removed by hand); the lock itself is released below either way.
    }
    this.db.close();
    this.db = undefined;
  }
}

/**
 * Begins the holding transaction. When the file already names us, we hold it; otherwise
 * our pid is committed first (the lock opens for an instant) and the caller tries again.
 */
function holdOrRecord(
  db: Database.Database,
  nonce: string,
  command: string,
): "held" | "busy" | "recorded" {
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (error) {
    if (isBusy(error)) return "busy";
    throw error;
  }
  const row = db.prepare("SELECT nonce FROM holder").get() as { nonce?: string } | undefined;
  if (row?.nonce === nonce) return "held";
  db.exec("DELETE FROM holder");
  db.prepare("INSERT INTO holder (pid, command, since, nonce) VALUES (?, ?, ?, ?)").run(
    process.pid,
    command,
    new Date().toISOString(),
    nonce,
  );
  db.exec("COMMIT");
  return "recorded";
}

/** Whether the lock file's path still names the file we lock (a releasing holder removes it). */
function namesOurFile(file: string, nonce: string): boolean {
  return readHolder(file)?.nonce === nonce;
}

function readHolder(file: string): Holder | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 500 });
    return db.prepare("SELECT pid, command, since, nonce FROM holder").get() as Holder | undefined;
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}

function locked(output: string, file: string): PsysimError {
  const holder = readHolder(file);
  const who = holder
    ? `psysim ${holder.command} (pid ${holder.pid}, since ${holder.since})`
    : "another process";
  return new PsysimError(
    "OUTPUT_LOCKED",
    `${output}: ${who} is writing it; wait for it to finish${holder ? ` or stop it (kill ${holder.pid})` : ""}, or choose another output (lock: ${file})`,
  );
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}

/** Regular files, folders and paths not made yet get a lock; devices (/dev/null, /dev/stdout) do not. */
function lockable(output: string): boolean {
  try {
    const stat = statSync(output);
    return stat.isFile() || stat.isDirectory();
  } catch {
    return true;
  }
}
