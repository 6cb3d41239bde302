import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { extname } from "node:path";
import { parseDocument, LineCounter } from "yaml";
import { InputFileError, InputLineError } from "./errors.js";
import { assertReadableFile, decodeUtf8, MAX_RECORD_BYTES, recordTooLarge } from "./input-file.js";
import {
  checkUniqueId,
  noRecords,
  readJsonl,
  type NumberedValue,
  type ReadJsonlOptions,
} from "./jsonl.js";

/**
 * Reads records from JSONL (one per line), a JSON array, or a YAML sequence, each with
 * the line it starts on, so any format reports problems as `file:line`.
 */
export async function readRecordValues(
  file: string,
  options: ReadJsonlOptions = {},
): Promise<NumberedValue[]> {
  assertReadableFile(file);
  const ext = extname(file).toLowerCase();
  let values: NumberedValue[];
  let text: string;
  if (ext === ".yaml" || ext === ".yml") values = readYamlSequence(file, readWholeText(file));
  else if (firstNonSpaceByte(file) === 0x5b && !isJsonlOfArrays((text = readWholeText(file))))
    values = readJsonArray(file, text);
  else {
    // JSONL is streamed, so a giant line is refused before it is held whole.
    values = [];
    for await (const item of readJsonl(file, options)) values.push(item);
    return values;
  }
  for (const { value, line } of values)
    if (JSON.stringify(value)?.length > MAX_RECORD_BYTES) throw recordTooLarge(file, line);
  const ids = options.uniqueIds ? new Map<string, number>() : undefined;
  if (ids) for (const { value, line } of values) checkUniqueId(ids, value, file, line);
  if (options.nonEmpty && values.length === 0) throw noRecords(file);
  return values;
}

/** Whether the file opens a JSON array, looking only at its first bytes. */
function firstNonSpaceByte(file: string): number | undefined {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, n);
    let i = text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf ? 3 : 0;
    while (i < n && (text[i] === 0x20 || text[i] === 0x0a || text[i] === 0x0d || text[i] === 0x09))
      i++;
    return i < n ? text[i] : undefined;
  } finally {
    closeSync(fd);
  }
}

/** A whole JSON or YAML document as text; bad UTF-8 is reported on the line it sits on. */
function readWholeText(file: string): string {
  const bytes = readFileSync(file);
  try {
    return decodeUtf8(file, 1, bytes).replace(/^\uFEFF/, "");
  } catch (error) {
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      decodeUtf8(file, line, bytes.subarray(start, end < 0 ? bytes.length : end));
      if (end < 0) throw error;
      start = end + 1;
    }
  }
}

/**
 * A file that opens with `[` is one JSON array, unless it is JSON Lines whose records are
 * arrays (one session of messages a line): then its first line is a whole JSON value and
 * the text as a whole is not one.
 */
function isJsonlOfArrays(text: string): boolean {
  const firstLine = text.trimStart().split("\n", 1)[0]!;
  if (firstLine.trim() === "[") return false;
  try {
    JSON.parse(firstLine);
  } catch {
    return false;
  }
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

function readJsonArray(file: string, text: string): NumberedValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputLineError(file, 1, "", `not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new InputLineError(file, 1, "", "expected a JSON array");
  const starts = arrayElementLines(text);
  return parsed.map((value, i) => ({ value, line: starts[i] ?? 1 }));
}

/** Line on which each top-level array element starts; a tiny scanner over strings and brackets. */
function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectingValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectingValue && c !== undefined && !/\s/.test(c) && c !== "]") {
      lines.push(line);
      expectingValue = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1) expectingValue = true;
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expectingValue = true;
  }
  return lines;
}

function readYamlSequence(file: string, text: string): NumberedValue[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const line = error.linePos?.[0]?.line ?? 1;
    throw new InputLineError(file, line, "", `invalid YAML (${error.message.split("\n")[0]})`);
  }
  const root = doc.contents as { items?: Array<{ range?: [number, number, number] }> } | null;
  const values = doc.toJS() as unknown;
  if (!Array.isArray(values) || !root?.items)
    throw new InputLineError(file, 1, "", "expected a YAML list of records");
  return values.map((value, i) => ({
    value,
    line: counter.linePos(root.items?.[i]?.range?.[0] ?? 0).line,
  }));
}

/** Parses every value, collecting all bad records before failing, so one run lists them all. */
export function parseAll<T>(
  file: string,
  values: NumberedValue[],
  parse: (value: unknown, line: number) => T,
  earlier: InputLineError[] = [],
): T[] {
  const problems: InputLineError[] = [...earlier];
  const out: T[] = [];
  for (const { value, line } of values) {
    try {
      out.push(parse(value, line));
    } catch (error) {
      if (error instanceof InputLineError) problems.push(error);
      else throw error;
    }
  }
  if (problems.length > 0)
    throw new InputFileError(
      file,
      problems.sort((a, b) => a.line - b.line),
    );
  return out;
}
