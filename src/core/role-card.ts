import { createHash } from "node:crypto";
import { z } from "zod";
import { detectLanguage, LANGUAGES, type Language } from "./language.js";
import { schemaTag } from "./schema.js";

const text = z.string().trim().min(1, "must not be empty");

export const BigFiveSchema = z.strictObject({
  openness: text,
  conscientiousness: text,
  extraversion: text,
  agreeableness: text,
  neuroticism: text,
});

/** The Big Five traits in the order Figure 8 lists them. */
export const BIG_FIVE_TRAITS = BigFiveSchema.keyof().options;

/**
 * Figure 8's descriptive fields in its order; the ninth field, the chief complaint, is the
 * one a card from a help-seeking post has too.
 */
export const DESCRIPTIVE_FIELDS = [
  "gender",
  "age",
  "education",
  "occupation",
  "marital_status",
  "family_relationships",
  "big_five",
  "resistance",
] as const;

export const RESISTANCE_LEVELS = ["low", "moderate", "high"] as const;
export const CLIENT_STYLES = [
  "plain",
  "upset",
  "verbose",
  "reserved",
  "tangent",
  "pleasing",
] as const;

const optionalFields = {
  resistance_level: z.enum(RESISTANCE_LEVELS).optional(),
  style: z.enum(CLIENT_STYLES).optional(),
  topics: z.array(z.union([z.number().int().positive(), text])).optional(),
  risk: z.enum(["none", "low", "high"]).optional(),
  source: z.string().optional(),
  split: z.enum(["train", "test"]).optional(),
};

/**
 * A client role card (paper §3.4, Figure 8): the nine fields — gender, age, education,
 * occupation, marital status, family relationships, Big Five, resistance, chief
 * complaint — plus psysim's optional extras.
 */
export const FullRoleCardSchema = z.strictObject({
  schema: z.string().optional(),
  id: text.optional(),
  language: z.enum(LANGUAGES).optional(),
  gender: text,
  age: z.union([z.number().int().min(1).max(120), text]),
  education: text,
  occupation: text,
  marital_status: text,
  family_relationships: text,
  big_five: BigFiveSchema,
  resistance: text,
  chief_complaint: text,
  ...optionalFields,
});

/** A help-seeking post promoted to a card: only the chief complaint is known. */
export const PostRoleCardSchema = z.strictObject({
  schema: z.string().optional(),
  id: text.optional(),
  language: z.enum(LANGUAGES).optional(),
  chief_complaint: text,
  ...optionalFields,
});

export type BigFive = z.infer<typeof BigFiveSchema>;
type FullInput = z.infer<typeof FullRoleCardSchema>;
type PostInput = z.infer<typeof PostRoleCardSchema>;

export type RoleCard = (
  Omit<FullInput, "schema" | "id" | "language"> | Omit<PostInput, "schema" | "id" | "language">
) & {
  schema: string;
  id: string;
  language: Language;
};

export function isFullRoleCard(
  card: RoleCard,
): card is RoleCard & Omit<FullInput, "schema" | "id" | "language"> {
  return "big_five" in card;
}

/** Picks the full schema when any of the eight descriptive fields is present, so a half-filled card is reported, not downgraded. */
export function roleCardSchemaFor(value: unknown): z.ZodType<FullInput> | z.ZodType<PostInput> {
  const hasDescriptive =
    typeof value === "object" && value !== null && DESCRIPTIVE_FIELDS.some((f) => f in value);
  return hasDescriptive ? FullRoleCardSchema : PostRoleCardSchema;
}

/** Stable id from content, so the same card gets the same id on every run. */
export function cardIdFor(chiefComplaint: string): string {
  return "card-" + createHash("sha256").update(chiefComplaint).digest("hex").slice(0, 12);
}

export function normaliseRoleCard(input: FullInput | PostInput): RoleCard {
  const { schema: _schema, id, language, ...rest } = input;
  return {
    schema: schemaTag("rolecard"),
    id: id ?? cardIdFor(input.chief_complaint),
    language: language ?? detectLanguage(input.chief_complaint),
    ...rest,
  };
}
