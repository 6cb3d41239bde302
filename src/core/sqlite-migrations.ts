import type Database from "better-sqlite3";

/**
 * Brings a SQLite file to the latest of `migrations`: step i takes `PRAGMA user_version`
 * from i to i + 1, each in its own IMMEDIATE transaction that re-reads the version, so two
 * processes opening the same new file at once migrate it once (the second waits on the
 * busy timeout, then finds nothing to do). Append steps only; never edit one that shipped.
 * `newer` builds the error for a file written by a later psysim (more steps than known).
 */
export function migrateSqlite(
  db: Database.Database,
  migrations: readonly string[],
  newer: (version: number) => Error,
): void {
  const version = () => db.pragma("user_version", { simple: true }) as number;
  if (version() === migrations.length) return;
  const step = db.transaction((): boolean => {
    const current = version();
    if (current > migrations.length) throw newer(current);
    if (current === migrations.length) return false;
    db.exec(migrations[current]!);
    db.pragma(`user_version = ${current + 1}`);
    return true;
  });
  while (step.immediate());
}
