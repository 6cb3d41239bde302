import { constants, createReadStream, accessSync, readFileSync, statSync } from "node:fs";
import { InputLineError, PsysimError } from "./errors.js";

/**
 * Largest record psysim reads: one JSONL line, or one element of a JSON/YAML list. A role
 * card or a long session is a few hundred KiB; a bigger line is a wrong file (a database
 * dump, a binary), and reading it whole would spend the heap before any error is shown.
 */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

const MIB = MAX_RECORD_BYTES / (1024 * 1024);

/** The line for a record over the limit, the same from every reader. */
export function recordTooLarge(file: string, line: number): InputLineError {
  return new InputLineError(
    file,
    line,
    "",
    `record is larger than ${MIB} MiB, the limit per record (is this the right file?)`,
  );
}

/**
 * Checks that `file` is a readable regular file, so a folder, a missing path or a file
 * without read permission is one line instead of a stack trace from deep inside a stream.
 */
export function assertReadableFile(file: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(file).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new PsysimError("NOT_FOUND", `${file}: no such file`);
    throw new PsysimError("INPUT_INVALID", `${file}: cannot read (${code ?? String(error)})`);
  }
  if (isFolder) throw new PsysimError("INPUT_INVALID", `${file}: is a folder, expected a file`);
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new PsysimError("INPUT_INVALID", `${file}: cannot read (permission denied, ${code})`);
  }
}

/** A whole small file (a JSON result), with an unreadable path as one line naming it. */
export function readWholeFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new PsysimError(
      "NOT_FOUND",
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes one line, refusing bytes that are not UTF-8 instead of turning them into U+FFFD. */
export function decodeUtf8(file: string, line: number, bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputLineError(file, line, "", "not valid UTF-8 (save the file as UTF-8)");
  }
}

export interface TextLine {
  text: string;
  line: number;
}

/**
 * Streams a file's lines as UTF-8 text, numbered from 1. A line longer than
 * MAX_RECORD_BYTES stops the stream as soon as it passes the limit, before it is held
 * whole; a trailing `\r` (Windows line ends) and a leading byte-order mark are dropped.
 */
export async function* readLines(file: string): AsyncGenerator<TextLine> {
  assertReadableFile(file);
  let parts: Buffer[] = [];
  let held = 0;
  let line = 1;
  const finish = (end: Buffer): TextLine => {
    let bytes = parts.length === 0 ? end : Buffer.concat([...parts, end]);
    if (bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
      bytes = bytes.subarray(3);
    parts = [];
    held = 0;
    return { text: decodeUtf8(file, line, bytes), line: line++ };
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    let start = 0;
    for (let at = buffer.indexOf(0x0a); at >= 0; at = buffer.indexOf(0x0a, start)) {
      if (held + at - start > MAX_RECORD_BYTES) throw recordTooLarge(file, line);
      yield finish(buffer.subarray(start, at));
      start = at + 1;
    }
    if (start < buffer.length) {
      held += buffer.length - start;
      if (held > MAX_RECORD_BYTES) throw recordTooLarge(file, line);
      parts.push(buffer.subarray(start));
    }
  }
  if (held > 0) yield finish(Buffer.alloc(0));
}
