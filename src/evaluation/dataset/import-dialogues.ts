import { basename } from "node:path";
import { ENDINGS, type Dialogue, type SpeakerRole } from "../../core/dialogue.js";
import { expandInputPaths } from "../../core/input-paths.js";
import type { NumberedValue } from "../../core/jsonl.js";
import { detectLanguage, LANGUAGES, type Language } from "../../core/language.js";
import { readRecordValues } from "../../core/record-files.js";
import { schemaTag } from "../../core/schema.js";
import type { TerminationRule } from "../../simulation/termination-rule.js";
import { inferEnding } from "./infer-ending.js";

export const IMPORT_FORMATS = ["sharegpt", "openai", "pairs"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * Where session ids come from: `record` (the record's `id`, else `<prefix>-<n>` counting
 * records from 1) or `filename` (the file's base name, for one session a file, as in the
 * paper's released `dialogue/0.json`; `<name>-<n>` when a file holds several).
 */
export const ID_SOURCES = ["record", "filename"] as const;
export type IdSource = (typeof ID_SOURCES)[number];

/** A record that was skipped, and why: reported, never silently fixed. */
export interface ImportProblem {
  file: string;
  line: number;
  /** 1-based position of the record in the file. */
  record: number;
  reason: string;
}

export interface ImportOptions {
  /** Language of every session; detected from the text when not given (or taken from the record's `language`). */
  language?: Language;
  /** Prefix of generated ids for records without one; default the file's base name. */
  idPrefix?: string;
  /** Where ids come from; default `record`. */
  idFrom?: IdSource;
  /** Infer `ended_by` with g on the last counselor turn (marked in `meta.inferred`); default true. */
  inferEnding?: boolean;
}

export interface ImportResult {
  dialogues: Dialogue[];
  problems: ImportProblem[];
}

/** Ids already taken and g per language, shared by every file of one import. */
export interface ImportState {
  seen: Set<string>;
  rules: Map<Language, TerminationRule>;
}

type Role = SpeakerRole | "system";

const ROLE_NAMES: Record<string, Role> = {
  client: "client",
  user: "client",
  human: "client",
  counselor: "counselor",
  assistant: "counselor",
  gpt: "counselor",
  bot: "counselor",
  chatgpt: "counselor",
  model: "counselor",
  system: "system",
};

/** Which roles each format allows: plain pairs name only the two speakers (plus system). */
const FORMAT_ROLES: Record<ImportFormat, readonly string[]> = {
  sharegpt: Object.keys(ROLE_NAMES),
  openai: ["user", "assistant", "system", "client", "counselor"],
  pairs: ["client", "counselor", "user", "assistant", "system"],
};

class Skip extends Error {}

function messagesOf(value: unknown, format: ImportFormat): unknown[] {
  if (format === "pairs") {
    if (!Array.isArray(value)) throw new Skip("expected a JSON array of {role, content} messages");
    return value;
  }
  const key = format === "sharegpt" ? "conversations" : "messages";
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Skip(`expected an object with "${key}"`);
  const list = (value as Record<string, unknown>)[key];
  if (!Array.isArray(list)) throw new Skip(`"${key}" is missing or not an array`);
  return list;
}

function message(
  raw: unknown,
  index: number,
  format: ImportFormat,
): { role: Role; content: string } {
  const where = `message ${index + 1}`;
  if (typeof raw !== "object" || raw === null) throw new Skip(`${where} is not an object`);
  const m = raw as Record<string, unknown>;
  const roleName = m["from"] ?? m["role"];
  const content = m["value"] ?? m["content"];
  if (typeof roleName !== "string") throw new Skip(`${where} has no role ("from" or "role")`);
  const role = FORMAT_ROLES[format].includes(roleName.toLowerCase())
    ? ROLE_NAMES[roleName.toLowerCase()]
    : undefined;
  if (!role)
    throw new Skip(
      `${where} has role "${roleName}", expected one of ${FORMAT_ROLES[format].join(", ")}`,
    );
  if (typeof content !== "string") throw new Skip(`${where} has no text content`);
  if (role !== "system" && content.trim() === "") throw new Skip(`${where} is empty`);
  return { role, content };
}

function toDialogue(
  value: unknown,
  format: ImportFormat,
  id: string,
  source: Record<string, unknown>,
  options: ImportOptions,
): Dialogue {
  const messages = messagesOf(value, format).map((m, i) => message(m, i, format));
  const system = messages.filter((m) => m.role === "system").map((m) => m.content);
  const turns = messages.filter(
    (m): m is { role: SpeakerRole; content: string } => m.role !== "system",
  );
  if (turns.length === 0) throw new Skip("empty session: no client or counselor messages");
  const speakers = new Set(turns.map((t) => t.role));
  if (speakers.size === 1)
    throw new Skip(`one speaker only: every message is from the ${turns[0]!.role}`);
  for (let i = 1; i < turns.length; i++) {
    if (turns[i]!.role === turns[i - 1]!.role)
      throw new Skip(
        `turns do not alternate: turns ${i} and ${i + 1} are both from the ${turns[i]!.role}`,
      );
  }
  const record =
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const recordLanguage = LANGUAGES.find((l) => l === record["language"]);
  const language =
    options.language ?? recordLanguage ?? detectLanguage(turns.map((t) => t.content).join("\n"));
  const ending = ENDINGS.find((e) => e === record["ended_by"]);
  return {
    schema: schemaTag("dialogue"),
    id,
    language,
    turns,
    ...(ending && { ended_by: ending }),
    meta: { source, ...(system.length > 0 && { system }) },
  };
}

/** Converts parsed records; each bad record becomes a problem and is skipped. */
export function importRecords(
  values: readonly NumberedValue[],
  format: ImportFormat,
  file: string,
  options: ImportOptions = {},
  state: ImportState = { seen: new Set(), rules: new Map() },
): ImportResult {
  // A pairs file that is one JSON array of messages is a single session.
  const records =
    format === "pairs" &&
    values.length > 0 &&
    values.every((v) => !Array.isArray(v.value)) &&
    values.some((v) => typeof v.value === "object" && v.value !== null && "role" in v.value)
      ? [{ value: values.map((v) => v.value), line: 1 }]
      : values;
  const name = basename(file).replace(/\.(jsonl|json|ya?ml)$/i, "");
  const prefix = options.idPrefix ?? name;
  const dialogues: Dialogue[] = [];
  const problems: ImportProblem[] = [];
  records.forEach(({ value, line }, i) => {
    const ownId =
      typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)["id"]
        : undefined;
    const id =
      options.idFrom === "filename"
        ? records.length === 1
          ? name
          : `${name}-${i + 1}`
        : typeof ownId === "string" || typeof ownId === "number"
          ? String(ownId)
          : `${prefix}-${i + 1}`;
    try {
      if (state.seen.has(id)) throw new Skip(`duplicate id "${id}"`);
      const dialogue = toDialogue(
        value,
        format,
        id,
        { file: basename(file), format, line },
        options,
      );
      dialogues.push(options.inferEnding === false ? dialogue : inferEnding(dialogue, state.rules));
      state.seen.add(id);
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      problems.push({ file, line, record: i + 1, reason: error.message });
    }
  });
  return { dialogues, problems };
}

/**
 * `psysim import`: reads ShareGPT, OpenAI chat or plain message arrays (JSONL, a JSON
 * array or YAML) from files, folders and globs, in name order with numbers as numbers.
 * Ids must be unique across all of them.
 */
export async function importDialogues(
  inputs: string | readonly string[],
  format: ImportFormat,
  options: ImportOptions = {},
): Promise<ImportResult & { files: string[] }> {
  const files = expandInputPaths(typeof inputs === "string" ? [inputs] : inputs);
  const state: ImportState = { seen: new Set(), rules: new Map() };
  const result: ImportResult & { files: string[] } = { dialogues: [], problems: [], files };
  for (const file of files) {
    const part = importRecords(
      await readRecordValues(file, { nonEmpty: true }),
      format,
      file,
      options,
      state,
    );
    result.dialogues.push(...part.dialogues);
    result.problems.push(...part.problems);
  }
  return result;
}
