import { z } from "zod";
import { InputLineError } from "./errors.js";

/** Every record psysim writes carries `schema: "psysim.<kind>/<major>"`. */
export type RecordKind = "rolecard" | "dialogue" | "battle";
export const SCHEMA_MAJOR = 1;

export function schemaTag(kind: RecordKind): string {
  return `psysim.${kind}/${SCHEMA_MAJOR}`;
}

/**
 * Accepts a record of `kind` with a missing tag (hand-written input) or the current major
 * version; rejects another kind or an unknown major version with a reason a user can act on.
 */
export function checkSchemaTag(value: unknown, kind: RecordKind): string | undefined {
  if (typeof value !== "object" || value === null || !("schema" in value)) return undefined;
  const tag = (value as { schema: unknown }).schema;
  if (tag === undefined) return undefined;
  if (typeof tag !== "string") return "schema must be a string like " + schemaTag(kind);
  const match = /^psysim\.([a-z]+)\/(\d+)$/.exec(tag);
  if (!match) return `unrecognised schema "${tag}"`;
  if (match[1] !== kind) return `this is a ${match[1]} record, expected a ${kind} record`;
  if (Number(match[2]) !== SCHEMA_MAJOR)
    return `schema version ${match[2]} is not supported (this psysim reads ${schemaTag(kind)})`;
  return undefined;
}

/** Validates one parsed record with a zod schema; the first issue becomes a `file:line: field: reason` error. */
export function parseRecord<T>(
  schema: z.ZodType<T>,
  kind: RecordKind,
  value: unknown,
  file: string,
  line: number,
): T {
  const tagProblem = checkSchemaTag(value, kind);
  if (tagProblem) throw new InputLineError(file, line, "schema", tagProblem);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue ? issue.path.map(String).join(".") : "";
  throw new InputLineError(file, line, field, issue ? issue.message : "invalid record");
}
