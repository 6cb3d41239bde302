import {
  existsSync,
  openSync,
  closeSync,
  fstatSync,
  readSync,
  ftruncateSync,
  renameSync,
  writeFileSync,
  mkdirSync,
  unlinkSync,
} from "node:fs";
import { dirname } from "node:path";
import { InputLineError, PsysimError } from "./errors.js";
import { readLines } from "./input-file.js";
import { writeFully } from "./write-fully.js";
import { assertNotAnInput, assertOwnKind } from "./output-guard.js";
import type { RecordKind } from "./schema.js";

export interface NumberedValue {
  value: unknown;
  line: number;
}

export interface ReadJsonlOptions {
  /** Report a line that is not JSON here and go on, instead of stopping at it (for listing every problem). */
  onInvalidLine?: (problem: InputLineError) => void;
  /**
   * Refuse a file with no records (`file: no records`): a command that reads nothing would
   * write an empty result that looks finished. Off for readers that report emptiness themselves.
   */
  nonEmpty?: boolean;
  /** Refuse a record whose `id` an earlier line already used (`file:line: id: duplicate id`). */
  uniqueIds?: boolean;
}

/** The line for an input with no records, the same from every reader. */
export function noRecords(file: string): PsysimError {
  return new PsysimError("INPUT_INVALID", `${file}: no records (the file is empty)`);
}

/**
 * Streams a JSON Lines file, one parsed value at a time; blank lines are skipped, bad JSON,
 * bad UTF-8 and records over MAX_RECORD_BYTES are reported as `file:line`.
 */
export async function* readJsonl(
  file: string,
  options: ReadJsonlOptions = {},
): AsyncGenerator<NumberedValue> {
  const ids = options.uniqueIds ? new Map<string, number>() : undefined;
  let records = 0;
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const problem = new InputLineError(
        file,
        line,
        "",
        `not valid JSON (${(error as Error).message})`,
      );
      if (!options.onInvalidLine) throw problem;
      options.onInvalidLine(problem);
      continue;
    }
    if (ids) checkUniqueId(ids, value, file, line);
    records += 1;
    yield { value, line };
  }
  if (options.nonEmpty && records === 0) throw noRecords(file);
}

/** Remembers each record's `id` and refuses one seen before, naming the first line. */
export function checkUniqueId(
  seen: Map<string, number>,
  value: unknown,
  file: string,
  line: number,
): void {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id !== "string") return;
  const first = seen.get(id);
  if (first !== undefined)
    throw new InputLineError(file, line, "id", `duplicate id "${id}" (first on line ${first})`);
  seen.set(id, line);
}

/** Reads and validates every record of a JSONL file. */
export async function readJsonlRecords<T>(
  file: string,
  parse: (value: unknown, line: number) => T,
): Promise<T[]> {
  const out: T[] = [];
  for await (const { value, line } of readJsonl(file)) out.push(parse(value, line));
  return out;
}

/** Creates missing folders one level at a time: Node's recursive mkdir can spin forever on pseudo file systems such as /proc. */
export function ensureParentDir(file: string): void {
  const missing: string[] = [];
  for (let dir = dirname(file); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  try {
    for (const dir of missing) mkdirSync(dir);
  } catch (error) {
    throw new PsysimError(
      "OUTPUT_UNWRITABLE",
      `${file}: cannot create its folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/**
 * Appends whole records to a JSONL file. Each record is one `write` of one full line, so a
 * crash leaves at most a torn last line; opening repairs that by cutting it off, so the
 * file never holds a partial record. With `kind`, an existing file must be psysim's own
 * JSONL of that kind, checked before the repair touches it.
 */
export class JsonlAppender {
  readonly file: string;
  private fd: number;
  /** Records this appender has written completely. */
  private written = 0;

  constructor(file: string, options: { kind?: RecordKind } = {}) {
    this.file = file;
    assertNotAnInput(file);
    if (options.kind) assertOwnKind(file, options.kind);
    ensureParentDir(file);
    try {
      this.fd = openSync(file, "a+");
    } catch (error) {
      throw new PsysimError(
        "OUTPUT_UNWRITABLE",
        `${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    this.dropTornTail();
  }

  private dropTornTail(): void {
    const size = fstatSync(this.fd).size;
    if (size === 0) return;
    const chunk = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    // Walk back to the last newline; everything after it is an unfinished record.
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(this.fd, chunk, 0, end - start, start);
      const at = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (at >= 0) {
        const keep = start + at + 1;
        if (keep < size) ftruncateSync(this.fd, keep);
        return;
      }
      end = start;
    }
    ftruncateSync(this.fd, 0);
  }

  /**
   * Writes one record and returns only once every byte of it is on the file. A failed or
   * short write (a full disk, a quota) cuts the partial line off again and stops the run
   * with one line: a caller counts a record as finished only after this returns.
   */
  append(record: unknown): void {
    const bytes = Buffer.from(JSON.stringify(record) + "\n");
    const before = fstatSync(this.fd).size;
    try {
      writeFully(this.fd, bytes);
    } catch (error) {
      try {
        ftruncateSync(this.fd, before);
      } catch {
        // The device refuses even that; the next open cuts the torn line instead.
      }
      const code = (error as NodeJS.ErrnoException).code ?? "write failed";
      const why = code === "ENOSPC" ? "no space left on the device, ENOSPC" : code;
      throw new PsysimError(
        "OUTPUT_UNWRITABLE",
        `${this.file}: cannot write a record (${why}); the ${this.written} written before it are kept, free space and rerun the same command to resume`,
        { cause: error },
      );
    }
    this.written += 1;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Writes a whole file via a temporary file and rename, so readers see the old or the new file, never half of one. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  assertNotAnInput(file);
  ensureParentDir(file);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // The temporary file may never have been created; nothing to clean then.
    }
    throw new PsysimError(
      "OUTPUT_UNWRITABLE",
      `${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/** Replaces a JSONL file whole; with `kind`, an existing file must be psysim's own JSONL of that kind. */
export function writeJsonlAtomic(
  file: string,
  records: Iterable<unknown>,
  kind?: RecordKind,
): void {
  if (kind) assertOwnKind(file, kind);
  let text = "";
  for (const record of records) text += JSON.stringify(record) + "\n";
  writeFileAtomic(file, text);
}

/** Checks up front that an output path can be written, before any paid work starts. */
export function assertWritable(file: string): void {
  assertNotAnInput(file);
  ensureParentDir(file);
  let fd: number;
  try {
    fd = openSync(file, "a");
  } catch (error) {
    throw new PsysimError(
      "OUTPUT_UNWRITABLE",
      `${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  closeSync(fd);
}

/** The `id`s of the records already in a JSONL output: how resumable runs skip finished work. */
export async function readRecordIds(file: string): Promise<Set<string>> {
  const ids = new Set<string>();
  if (!existsSync(file)) return ids;
  for await (const { value } of readJsonl(file)) {
    const id = (value as { id?: unknown }).id;
    if (typeof id === "string") ids.add(id);
  }
  return ids;
}

/** Drops keys whose value is undefined, so spreading options over defaults keeps the defaults. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
