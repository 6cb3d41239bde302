import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PsysimError } from "../core/errors.js";
import { sha256 } from "../core/hash.js";
import type { Language } from "../core/language.js";
import type { PromptRef } from "../core/dialogue.js";

/** Built-in templates live beside the sources; the same path works from src/ and from the compiled dist/. */
export const BUILTIN_TEMPLATE_DIR = fileURLToPath(
  new URL("../../src/prompts/templates/", import.meta.url),
);

/** Named prompt sets: each folder holds the templates it changes; the rest come from the default. */
export const PROMPT_SET_DIR = fileURLToPath(new URL("../../src/prompts/sets/", import.meta.url));

/**
 * The default set is the paper's figures as literally as the language allows; every other
 * set is a deliberate change, opt-in by name, explained in docs/prompts.md.
 */
export const PROMPT_SETS = {
  paper:
    "the paper's Figures 7, 9, 11, 12 and 13 rule by rule in psysim's words (zh and en), the default",
  "psysim-v1":
    "psysim's first wording: free translations, plus the client's pacing rule ({planned_rounds}) and 'do not invent experiences', and the WAI judge's 'do not rate high by default'",
} as const;

export type PromptSetName = keyof typeof PROMPT_SETS;

export function isPromptSet(name: string): name is PromptSetName {
  return Object.hasOwn(PROMPT_SETS, name);
}

/** Checks a `--prompt-set` value; the error lists the sets there are. */
export function promptSetName(name: string): PromptSetName {
  if (isPromptSet(name)) return name;
  throw new PsysimError(
    "CONFIG_INVALID",
    `--prompt-set: unknown prompt set "${name}"; available: ${Object.keys(PROMPT_SETS).join(", ")}`,
  );
}

export interface PromptTemplate {
  /** `<name>.<language>`, e.g. `counselor.zh`. */
  id: string;
  /** Where the text came from: `builtin`, `set:<name>` or the override file's path. */
  source: string;
  text: string;
  sha256: string;
}

export interface TemplateOptions {
  /** A folder of `<name>.<language>.txt` files that replace the built-in ones of the same name. */
  overrideDir?: string;
  /** A named prompt set (`PROMPT_SETS`); its templates replace the default ones they cover. */
  promptSet?: PromptSetName;
}

/** Lines starting with `# ` document a template (which figure it implements) and are never sent to a model. */
function stripComments(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.startsWith("# "))
    .join("\n")
    .trim();
}

// Every session loads its templates; reading the files once (until they change) keeps that off the hot path.
const loaded = new Map<string, { mtimeMs: number; text: string }>();

function readTemplateText(path: string): string {
  const { mtimeMs } = statSync(path);
  const hit = loaded.get(path);
  if (hit?.mtimeMs === mtimeMs) return hit.text;
  const text = stripComments(readFileSync(path, "utf8"));
  loaded.set(path, { mtimeMs, text });
  return text;
}

export function loadTemplate(
  name: string,
  language: Language,
  options: TemplateOptions = {},
): PromptTemplate {
  const file = `${name}.${language}.txt`;
  const override = options.overrideDir ? join(options.overrideDir, file) : undefined;
  const set =
    options.promptSet && options.promptSet !== "paper"
      ? join(PROMPT_SET_DIR, options.promptSet, file)
      : undefined;
  const builtin = join(BUILTIN_TEMPLATE_DIR, file);
  const path = [override, set].find((p) => p !== undefined && existsSync(p)) ?? builtin;
  if (!existsSync(path))
    throw new PsysimError(
      "NOT_FOUND",
      `prompt template ${file} not found (looked in ${options.overrideDir ? `${options.overrideDir} and ` : ""}${BUILTIN_TEMPLATE_DIR})`,
    );
  const text = readTemplateText(path);
  return {
    id: `${name}.${language}`,
    source: path === builtin ? "builtin" : path === set ? `set:${options.promptSet}` : path,
    text,
    sha256: sha256(text),
  };
}

/**
 * Fills `{name}` placeholders. Every placeholder must be given and every given value
 * used, so a user's override that drops `{role_card}` fails loudly instead of silently
 * producing a prompt without the card.
 */
export function renderTemplate(
  template: PromptTemplate,
  values: Record<string, string>,
  optional: readonly string[] = [],
): string {
  const used = new Set<string>();
  const out = template.text.replace(/\{([a-z_]+)\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined)
      throw new PsysimError(
        "CONFIG_INVALID",
        `prompt template ${template.id} (${template.source}) uses {${key}}, which is not available here; available: ${
          Object.keys(values)
            .map((k) => `{${k}}`)
            .join(", ") || "none"
        }`,
      );
    used.add(key);
    return value;
  });
  const required = Object.keys(values).filter(
    (k) => !k.endsWith("_rule") && !optional.includes(k) && !used.has(k),
  );
  if (required.length > 0)
    throw new PsysimError(
      "CONFIG_INVALID",
      `prompt template ${template.id} (${template.source}) must contain ${required.map((k) => `{${k}}`).join(", ")}`,
    );
  return out.replace(/\n{3,}/g, "\n\n").trim();
}

/** `client.zh` for the default text, `client.zh@set:psysim-v1` or `client.zh@<file>` otherwise. */
export function promptRef(template: PromptTemplate): PromptRef {
  return {
    id: template.source === "builtin" ? template.id : `${template.id}@${template.source}`,
    sha256: template.sha256,
  };
}
