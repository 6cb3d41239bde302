import { InputFileError, InputLineError } from "./errors.js";
import { noRecords, readJsonl } from "./jsonl.js";
import { parseAll, readRecordValues } from "./record-files.js";
import { normaliseRoleCard, roleCardSchemaFor, type RoleCard } from "./role-card.js";
import { parseRecord } from "./schema.js";
import { DialogueSchema, type Dialogue } from "./dialogue.js";
import { BattleSchema, type Battle } from "./battle.js";

export function parseRoleCard(value: unknown, file: string, line: number): RoleCard {
  // A bare string is a help-seeking post, as in the paper's source data (PsyQA).
  const input = typeof value === "string" ? { chief_complaint: value } : value;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InputLineError(
      file,
      line,
      "",
      "expected a role card object or a help-seeking post string",
    );
  }
  return normaliseRoleCard(parseRecord(roleCardSchemaFor(input), "rolecard", input, file, line));
}

/** Reads role cards from JSONL, a JSON array or YAML; reports every bad record and duplicate id. */
export async function readRoleCards(file: string): Promise<RoleCard[]> {
  const unreadable: InputLineError[] = [];
  const values = await readRecordValues(file, {
    onInvalidLine: (problem) => unreadable.push(problem),
  });
  const cards = parseAll(
    file,
    values,
    (value, line) => parseRoleCard(value, file, line),
    unreadable,
  );
  const seen = new Map<string, number>();
  const duplicates: InputLineError[] = [];
  cards.forEach((card, i) => {
    const line = values[i]!.line;
    const first = seen.get(card.id);
    if (first !== undefined)
      duplicates.push(
        new InputLineError(file, line, "id", `duplicate id "${card.id}" (first on line ${first})`),
      );
    else seen.set(card.id, line);
  });
  if (duplicates.length > 0) throw new InputFileError(file, duplicates);
  if (cards.length === 0) throw noRecords(file);
  return cards;
}

export function parseDialogue(value: unknown, file: string, line: number): Dialogue {
  return parseRecord(DialogueSchema, "dialogue", value, file, line);
}

export function parseBattle(value: unknown, file: string, line: number): Battle {
  return parseRecord(BattleSchema, "battle", value, file, line);
}

/** What every record reader refuses besides bad records: an empty file and a repeated id. */
const RECORD_RULES = { nonEmpty: true, uniqueIds: true } as const;

/** Streams validated dialogues; the first bad line stops the stream with `file:line: field: reason`. */
export async function* streamDialogues(file: string): AsyncGenerator<Dialogue> {
  for await (const { value, line } of readJsonl(file, RECORD_RULES))
    yield parseDialogue(value, file, line);
}

export async function readDialogues(file: string): Promise<Dialogue[]> {
  const out: Dialogue[] = [];
  for await (const dialogue of streamDialogues(file)) out.push(dialogue);
  return out;
}

export async function* streamBattles(file: string): AsyncGenerator<Battle> {
  for await (const { value, line } of readJsonl(file, RECORD_RULES))
    yield parseBattle(value, file, line);
}

export async function readBattles(file: string): Promise<Battle[]> {
  const out: Battle[] = [];
  for await (const battle of streamBattles(file)) out.push(battle);
  return out;
}
