import {
  createReadStream,
  existsSync,
  openSync,
  closeSync,
  fstatSync,
  readSync,
  ftruncateSync,
  writeSync,
  renameSync,
  writeFileSync,
  mkdirSync,
  unlinkSync,
} from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { InputLineError, PsysimError } from "./errors.js";

export interface NumberedValue {
  value: unknown;
  line: number;
}

export interface ReadJsonlOptions {
  /** Report a line that is not JSON here and go on, instead of stopping at it (for listing every problem). */
  onInvalidLine?: (problem: InputLineError) => void;
}

/** Streams a JSON Lines file, one parsed value at a time; blank lines are skipped, bad JSON reported as `file:line`. */
export async function* readJsonl(
  file: string,
  options: ReadJsonlOptions = {},
): AsyncGenerator<NumberedValue> {
  if (!existsSync(file)) throw new PsysimError("NOT_FOUND", `${file}: no such file`);
  const lines = createInterface({
    input: createReadStream(file, { encoding: "utf8" }),
    crlfDelay: Infinity,
  });
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const text = line === 1 ? raw.replace(/^\uFEFF/, "") : raw;
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
    yield { value, line };
  }
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
 * file never holds a partial record.
 */
export class JsonlAppender {
  readonly file: string;
  private fd: number;

  constructor(file: string) {
    this.file = file;
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

  append(record: unknown): void {
    writeSync(this.fd, JSON.stringify(record) + "\n");
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Writes a whole file via a temporary file and rename, so readers see the old or the new file, never half of one. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
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

export function writeJsonlAtomic(file: string, records: Iterable<unknown>): void {
  let text = "";
  for (const record of records) text += JSON.stringify(record) + "\n";
  writeFileAtomic(file, text);
}

/** Checks up front that an output path can be written, before any paid work starts. */
export function assertWritable(file: string): void {
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
