import { z } from "zod";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PsysimError } from "../core/errors.js";
import { detectLanguage, type Language } from "../core/language.js";
import { parseRoleCard } from "../core/read-records.js";
import {
  cardIdFor,
  FullRoleCardSchema,
  RESISTANCE_LEVELS,
  type RoleCard,
} from "../core/role-card.js";
import type { Usage } from "../core/usage.js";
import { addUsage, emptyUsage } from "../core/usage.js";
import type { ChatModel } from "../llm/chat-model.js";
import { loadTemplate, renderTemplate, type PromptTemplate } from "../prompts/template.js";
import type { Post } from "./read-posts.js";

/**
 * What the model writes: the eight descriptive fields of Figure 8, taken from the full
 * RoleCard schema, plus a resistance level. The ninth field, the chief complaint, is the
 * post itself, copied verbatim rather than paraphrased by the model.
 */
export const CardFieldsSchema = FullRoleCardSchema.pick({
  gender: true,
  age: true,
  education: true,
  occupation: true,
  marital_status: true,
  family_relationships: true,
  big_five: true,
  resistance: true,
}).extend({ resistance_level: z.enum(RESISTANCE_LEVELS) });
export type CardFields = z.infer<typeof CardFieldsSchema>;

export const CARD_FIELDS_JSON_SCHEMA = z.toJSONSchema(CardFieldsSchema) as Record<string, unknown>;

/** psysim's own card-builder templates; a user's `--prompts DIR` with `card-builder.<lang>.txt` replaces them. */
export const CARD_BUILDER_TEMPLATE_DIR = fileURLToPath(
  new URL("../../src/cards/templates/", import.meta.url),
);

export function loadCardBuilderTemplate(language: Language, overrideDir?: string): PromptTemplate {
  const user =
    overrideDir && existsSync(join(overrideDir, `card-builder.${language}.txt`))
      ? overrideDir
      : undefined;
  return loadTemplate("card-builder", language, { overrideDir: user ?? CARD_BUILDER_TEMPLATE_DIR });
}

export type CardBuildResult =
  | { ok: true; card: RoleCard; attempts: number; usage: Usage }
  | { ok: false; reason: string; attempts: number; usage: Usage };

export interface BuildCardOptions {
  /** Generations per post before giving up on it (default 3). */
  maxAttempts?: number;
  /** Template per language; default psysim's. */
  template?: (language: Language) => PromptTemplate;
  /** Recorded in the card's `source`. */
  sourceLabel?: string;
  signal?: AbortSignal;
}

/** Errors no retry can fix: the whole run stops instead of failing post after post. */
const FATAL = new Set([
  "QUOTA_EXHAUSTED",
  "MISSING_API_KEY",
  "MODEL_SPEC_INVALID",
  "CONFIG_INVALID",
]);

/**
 * Builds a full nine-field role card from one help-seeking post (paper §3.4) with an LLM,
 * in the post's language, asking for structured output and validating it against the
 * RoleCard schema. Invalid output is regenerated as a new sample; when every attempt
 * fails the post is reported, never filled in by psysim.
 */
export async function buildCard(
  post: Post,
  model: ChatModel,
  options: BuildCardOptions = {},
): Promise<CardBuildResult> {
  const language = detectLanguage(post.text);
  const template = (options.template ?? ((l) => loadCardBuilderTemplate(l)))(language);
  const prompt = renderTemplate(template, { post: post.text });
  const id = cardIdFor(post.text);
  const maxAttempts = options.maxAttempts ?? 3;
  const usage = emptyUsage();
  let reason = "no attempt made";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let content: string;
    try {
      const response = await model.complete({
        messages: [{ role: "user", content: prompt }],
        sampleKey: `card-builder/${id}/attempt-${attempt}`,
        jsonSchema: { name: "role_card", schema: CARD_FIELDS_JSON_SCHEMA },
        task: { kind: "card-builder", language, detail: { post: post.text } },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      addUsage(usage, response.usage);
      content = response.content;
    } catch (error) {
      if (error instanceof PsysimError && FATAL.has(error.code)) throw error;
      reason = `model call failed: ${(error as Error).message.split("\n")[0]}`;
      continue;
    }
    const parsed = parseCardFields(content);
    if (!parsed.ok) {
      reason = parsed.reason;
      continue;
    }
    const card = parseRoleCard(
      {
        id,
        language,
        ...parsed.fields,
        chief_complaint: post.text,
        ...(options.sourceLabel ? { source: options.sourceLabel } : {}),
      },
      "card-builder",
      post.line,
    );
    return { ok: true, card, attempts: attempt, usage };
  }
  return {
    ok: false,
    reason: `${maxAttempts} attempt${maxAttempts === 1 ? "" : "s"} failed; last: ${reason}`,
    attempts: maxAttempts,
    usage,
  };
}

/** Reads the model's JSON (tolerating a Markdown code fence) and checks it field by field. */
export function parseCardFields(
  content: string,
): { ok: true; fields: CardFields } | { ok: false; reason: string } {
  const text = content.trim().replace(/^```(?:json)?\s*\n?([\s\S]*?)\n?```$/u, "$1");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      reason: `output is not JSON (${JSON.stringify(content.slice(0, 60))}${content.length > 60 ? "…" : ""})`,
    };
  }
  const result = CardFieldsSchema.safeParse(value);
  if (result.success) return { ok: true, fields: result.data };
  const issue = result.error.issues[0]!;
  return {
    ok: false,
    reason: `output does not match the role card schema: ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`,
  };
}
