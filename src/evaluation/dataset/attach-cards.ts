import { existsSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import type { Dialogue } from "../../core/dialogue.js";
import { InputLineError, PsysimError, UsageError } from "../../core/errors.js";
import { readRecordValues } from "../../core/record-files.js";
import type { RoleCard } from "../../core/role-card.js";

/** Session id -> card id, each entry with the line it came from. */
export interface CardMap {
  file: string;
  entries: Map<string, { card: string; line: number }>;
}

const SESSION_KEYS = ["session_id", "dialogue_id", "id"] as const;
const CARD_KEYS = ["role_card_id", "card_id", "card"] as const;

function pick(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const k of keys) if (record[k] !== undefined) return record[k];
  return undefined;
}

function idText(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function add(map: CardMap, session: unknown, card: unknown, line: number): void {
  const s = idText(session);
  const c = idText(card);
  if (s === undefined)
    throw new InputLineError(map.file, line, "session_id", "missing or empty session id");
  if (c === undefined)
    throw new InputLineError(map.file, line, "role_card_id", "missing or empty card id");
  const first = map.entries.get(s);
  if (first)
    throw new InputLineError(
      map.file,
      line,
      "session_id",
      `session "${s}" is mapped twice (first on line ${first.line})`,
    );
  map.entries.set(s, { card: c, line });
}

function readDelimited(map: CardMap, text: string, delimiter: string): void {
  const lines = text.split(/\r?\n/);
  const header = lines[0]!.split(delimiter).map((h) => h.trim().toLowerCase());
  const si = header.findIndex((h) => (SESSION_KEYS as readonly string[]).includes(h));
  const ci = header.findIndex((h) => (CARD_KEYS as readonly string[]).includes(h));
  if (si === -1 || ci === -1)
    throw new InputLineError(
      map.file,
      1,
      "header",
      `expected columns session_id and role_card_id, got "${lines[0]}"`,
    );
  lines.slice(1).forEach((raw, i) => {
    if (raw.trim() === "") return;
    const cells = raw.split(delimiter);
    add(map, cells[si], cells[ci], i + 2);
  });
}

/**
 * Reads a session-to-card mapping: CSV or TSV with a header (`session_id,role_card_id`),
 * one JSON object `{ "<session id>": "<card id>" }`, or records (JSONL, JSON array, YAML)
 * with `session_id` and `role_card_id`. A session mapped twice is an error, not a choice.
 */
export async function readCardMap(file: string): Promise<CardMap> {
  if (!existsSync(file)) throw new PsysimError("NOT_FOUND", `${file}: no such file`);
  const map: CardMap = { file, entries: new Map() };
  const ext = extname(file).toLowerCase();
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  if (ext === ".csv" || ext === ".tsv") {
    readDelimited(map, text, ext === ".csv" ? "," : "\t");
    return map;
  }
  if (ext === ".json" && text.trimStart().startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InputLineError(file, 1, "", `not valid JSON (${(error as Error).message})`);
    }
    const lines = text.split("\n");
    for (const [session, card] of Object.entries(parsed as Record<string, unknown>)) {
      const at = lines.findIndex((l) => l.includes(JSON.stringify(session)));
      add(map, session, card, at === -1 ? 1 : at + 1);
    }
    return map;
  }
  for (const { value, line } of await readRecordValues(file)) {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new InputLineError(file, line, "", "expected {session_id, role_card_id}");
    const record = value as Record<string, unknown>;
    add(map, pick(record, SESSION_KEYS), pick(record, CARD_KEYS), line);
  }
  return map;
}

export interface CardAttachment {
  /** Card id made from the session id: `{id}` stands for it (`card-{id}`, or `{id}` alone). */
  template?: string;
  map?: CardMap;
  /** The cards to check every attached id against, and the file they came from. */
  cards?: { file: string; cards: readonly RoleCard[] };
}

export interface AttachResult {
  dialogues: Dialogue[];
  /** Imported sessions that no entry of the map names (they carry no card). */
  unmapped: string[];
  /** Map entries for sessions that were not imported (skipped, or not in these files). */
  unused: string[];
}

/** Checks `--card-id` before anything is read. */
export function checkCardTemplate(template: string): void {
  if (!template.includes("{id}"))
    throw new UsageError(
      `--card-id expects a template containing {id} (e.g. "{id}" or "card-{id}"), got "${template}"`,
    );
}

/**
 * Sets `role_card_id` on imported sessions, from a template over the session id or from a
 * mapping file, and checks each id against the card file when one is given: a card id that
 * names no card would only fail later, in `eval fidelity`, far from its cause.
 */
export function attachCards(dialogues: readonly Dialogue[], how: CardAttachment): AttachResult {
  if (how.template) checkCardTemplate(how.template);
  const known = how.cards ? new Set(how.cards.cards.map((c) => c.id)) : undefined;
  const unmapped: string[] = [];
  const used = new Set<string>();
  const out = dialogues.map((d) => {
    let card: string | undefined;
    let where: { file: string; line: number; via: string };
    if (how.map) {
      const entry = how.map.entries.get(d.id);
      if (!entry) {
        unmapped.push(d.id);
        return d;
      }
      used.add(d.id);
      card = entry.card;
      where = { file: how.map.file, line: entry.line, via: "" };
    } else if (how.template) {
      card = how.template.replaceAll("{id}", d.id);
      const source = d.meta["source"] as { file?: string; line?: number } | undefined;
      where = {
        file: source?.file ?? d.id,
        line: source?.line ?? 1,
        via: ` (from --card-id ${how.template})`,
      };
    } else return d;
    if (known && !known.has(card))
      throw new InputLineError(
        where.file,
        where.line,
        "role_card_id",
        `card "${card}"${where.via} for session "${d.id}" is not in ${how.cards!.file}`,
      );
    return { ...d, role_card_id: card };
  });
  const unused = how.map ? [...how.map.entries.keys()].filter((s) => !used.has(s)) : [];
  return { dialogues: out, unmapped, unused };
}
