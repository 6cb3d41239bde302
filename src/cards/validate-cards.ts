import type { z } from "zod";
import { InputLineError } from "../core/errors.js";
import type { NumberedValue } from "../core/jsonl.js";
import { parseRoleCard } from "../core/read-records.js";
import { readRecordValues } from "../core/record-files.js";
import { noRecords } from "../core/jsonl.js";
import { roleCardSchemaFor, type RoleCard } from "../core/role-card.js";
import { summarisePool, type PoolSummary } from "./pool-summary.js";

export type CardValidation =
  { ok: true; cards: RoleCard[]; summary: PoolSummary } | { ok: false; problems: InputLineError[] };

/**
 * Checks a client pool file and lists every problem — every unparsable line, every bad
 * field of every record, every duplicate id — so a user fixes the file in one pass.
 * The reader used by the other commands stops at a record's first problem; this one is
 * for the person repairing the file. A missing file is thrown.
 */
export async function validateCardsFile(file: string): Promise<CardValidation> {
  const { values, problems } = await readCardValues(file);
  if (values.length === 0 && problems.length === 0) throw noRecords(file);
  const cards: RoleCard[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const { value, line } of values) {
    let card: RoleCard;
    try {
      card = parseRoleCard(value, file, line);
    } catch (error) {
      if (!(error instanceof InputLineError)) throw error;
      problems.push(...everyFieldProblem(value, file, line, error));
      continue;
    }
    const first = firstLineOfId.get(card.id);
    if (first !== undefined)
      problems.push(
        new InputLineError(file, line, "id", `duplicate id "${card.id}" (first on line ${first})`),
      );
    else firstLineOfId.set(card.id, line);
    cards.push(card);
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  return { ok: true, cards, summary: summarisePool(cards) };
}

async function readCardValues(
  file: string,
): Promise<{ values: NumberedValue[]; problems: InputLineError[] }> {
  const problems: InputLineError[] = [];
  try {
    return {
      values: await readRecordValues(file, { onInvalidLine: (problem) => problems.push(problem) }),
      problems,
    };
  } catch (error) {
    // A JSON array or YAML document is one syntax tree: a syntax error is one problem for the whole file.
    if (error instanceof InputLineError) return { values: [], problems: [error] };
    throw error;
  }
}

/** Expands a record's first problem into all of its field problems, with reasons a user can act on. */
function everyFieldProblem(
  value: unknown,
  file: string,
  line: number,
  first: InputLineError,
): InputLineError[] {
  if (
    first.field === "schema" ||
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value)
  )
    return [first];
  const result = roleCardSchemaFor(value).safeParse(value);
  if (result.success) return [first];
  return result.error.issues.map(
    (issue) =>
      new InputLineError(file, line, issue.path.map(String).join("."), reasonFor(issue, value)),
  );
}

function reasonFor(issue: z.core.$ZodIssue, value: object): string {
  if (
    (issue.code === "invalid_type" || issue.code === "invalid_union") &&
    valueAt(value, issue.path) === undefined
  ) {
    return "missing; a full card needs all nine fields of Figure 8 (keep only chief_complaint for a post-only card)";
  }
  if (issue.code === "invalid_union" && issue.path.join(".") === "age")
    return 'must be a whole number from 1 to 120, or text such as "20岁"';
  return issue.message;
}

function valueAt(value: object, path: readonly PropertyKey[]): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}
