import { AsyncLocalStorage } from "node:async_hooks";
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "./errors.js";
import { MAX_RECORD_BYTES } from "./input-file.js";
import { schemaTag, type RecordKind } from "./schema.js";

/** A path a command was given, with the flag (or argument) that named it, for messages. */
export interface NamedPath {
  flag: string;
  path: string;
}

/** The file a path names after symlinks (device and inode), or undefined when nothing is there. */
function identity(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

const protectedInputs = new AsyncLocalStorage<Map<string, NamedPath>>();

/**
 * Refuses a command line whose output names one of its inputs (the same file, also through
 * a symlink or another spelling of the path) or whose two outputs are the same file, before
 * anything is opened. Then runs `work` with the inputs protected: every psysim writer checks
 * its target against them, which covers files written inside output folders too.
 */
export async function withInputsProtected<T>(
  inputs: readonly NamedPath[],
  outputs: readonly NamedPath[],
  work: () => Promise<T>,
): Promise<T> {
  return protectedInputs.run(assertOutputsApart(inputs, outputs), work);
}

/** The up-front check of `withInputsProtected`; returns the inputs by file identity. */
export function assertOutputsApart(
  inputs: readonly NamedPath[],
  outputs: readonly NamedPath[],
): Map<string, NamedPath> {
  const byIdentity = new Map<string, NamedPath>();
  for (const input of inputs) {
    const id = identity(input.path);
    if (id && !byIdentity.has(id)) byIdentity.set(id, input);
  }
  const seen = new Map<string, NamedPath>();
  for (const output of outputs) {
    const id = identity(output.path);
    const input = id === undefined ? undefined : byIdentity.get(id);
    if (input) throw sameAsInput(output, input);
    const key = id ?? `path:${resolve(output.path)}`;
    const other = seen.get(key);
    if (other)
      throw new UsageError(
        `${output.flag} ${output.path}: is also ${other.flag} ${other.path}; give each output its own file`,
      );
    seen.set(key, output);
  }
  return byIdentity;
}

function sameAsInput(output: NamedPath, input: NamedPath): UsageError {
  return new UsageError(
    `${output.flag} ${output.path}: is the input ${input.path} (${input.flag}); writing it would destroy the input, choose another output file`,
  );
}

/** Called by every writer before it opens `file`: refuses to write over an input of the running command. */
export function assertNotAnInput(file: string): void {
  const inputs = protectedInputs.getStore();
  if (!inputs || inputs.size === 0) return;
  const id = identity(file);
  const input = id === undefined ? undefined : inputs.get(id);
  if (input) throw sameAsInput({ flag: "output", path: file }, input);
}

/**
 * Refuses to append to (or replace) an existing file that is not psysim's own JSONL of
 * `kind`, before the torn-tail repair or a rename could change a byte of it: `--out
 * notes.txt` must not cut the notes' last line. An empty file, or one whose only line is a
 * record of `kind` torn by a crash, is psysim's.
 */
export function assertOwnKind(file: string, kind: RecordKind): void {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return; // Not there (or not readable): the writer's own open reports what is wrong.
  }
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(Math.min(fstatSync(fd).size, MAX_RECORD_BYTES + 1));
    head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
  if (head.length === 0) return;
  const newline = head.indexOf(0x0a);
  const first = head.subarray(0, newline < 0 ? head.length : newline).toString("utf8");
  const tag = schemaTag(kind);
  let ok: boolean;
  if (newline < 0) ok = first.startsWith("{") && first.includes(`"schema":"${tag}"`);
  else {
    try {
      ok = (JSON.parse(first) as { schema?: unknown } | null)?.schema === tag;
    } catch {
      ok = false;
    }
  }
  if (!ok)
    throw new UsageError(
      `${file}: exists and is not a psysim ${kind} file (line 1 has no "schema": "${tag}"); psysim adds only to its own files, so choose another output or move this one away`,
    );
}

/** Which psysim command wrote a `--json` result: its schema tag, and for evaluations the kind. */
export interface ResultIdentity {
  schema: string;
  kind?: string;
}

/** The identity a result value carries, or undefined when it is not a psysim result. */
export function resultIdentity(value: unknown): ResultIdentity | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { schema, kind } = value as { schema?: unknown; kind?: unknown };
  if (typeof schema !== "string" || !/^psysim\.[a-z-]+\/\d+$/.test(schema)) return undefined;
  return typeof kind === "string" ? { schema, kind } : { schema };
}

function describeResult(identity: ResultIdentity): string {
  return identity.kind ?? identity.schema.slice("psysim.".length).replace(/\/\d+$/, "");
}

/**
 * Refuses to replace an existing file that is not a psysim JSON result of `expected`
 * (or, without `expected`, of any psysim command), before any work is paid for and again
 * just before the rename: a `--json` path that names someone's notes or another command's
 * result must not be silently replaced. An empty file is taken as free to use.
 */
export function assertOwnResult(file: string, expected?: ResultIdentity): void {
  let text: string;
  try {
    if (!statSync(file).isFile()) return; // A folder or device: the writer reports it.
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Not there or not readable: the writer's own open reports what is wrong. Anything else
    // (a file too large to be read as text) is certainly not a psysim result.
    if (code === "ENOENT" || code === "EACCES") return;
    throw notOwnResult(file, undefined, expected);
  }
  if (text.trim() === "") return;
  let found: ResultIdentity | undefined;
  try {
    found = resultIdentity(JSON.parse(text));
  } catch {
    found = undefined;
  }
  if (found && (!expected || (found.schema === expected.schema && found.kind === expected.kind)))
    return;
  throw notOwnResult(file, found, expected);
}

function notOwnResult(
  file: string,
  found: ResultIdentity | undefined,
  expected: ResultIdentity | undefined,
): UsageError {
  const wanted = expected ? `psysim ${describeResult(expected)} result` : "psysim result";
  const what = found
    ? `holds a psysim ${describeResult(found)} result, not a ${wanted}`
    : `is not a ${wanted} (no "schema": "psysim.…" in a JSON object)`;
  return new UsageError(
    `${file}: exists and ${what}; psysim replaces only its own result of the same command, so choose another --json file or move this one away`,
  );
}
