import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import type { z } from "zod";
import { PsysimError } from "../core/errors.js";
import { PsysimConfigSchema, type PsysimConfig } from "./config-schema.js";

/** A parsed psysim.yaml and where it came from (relative paths inside resolve against `dir`). */
export interface LoadedConfig extends PsysimConfig {
  source: { file: string; dir: string };
}

export const DEFAULT_CONFIG_FILE = "psysim.yaml";

function configError(
  file: string,
  line: number | undefined,
  field: string,
  reason: string,
  more = 0,
): PsysimError {
  const where = line === undefined ? file : `${file}:${line}`;
  const extra = more > 0 ? ` (and ${more} more problem${more > 1 ? "s" : ""})` : "";
  return new PsysimError(
    "CONFIG_INVALID",
    `${where}: ${field ? `${field}: ` : ""}${reason}${extra}`,
  );
}

/** `models.gpt4.temperature`, `models.fleet.base_url[1]`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) =>
      typeof key === "number" ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key),
    "",
  );
}

/** The line of the deepest YAML node on `path` (so a missing key points at its parent). */
function lineOf(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown =
      depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * The issue a user should see first. A failed union (a model entry is a spec string or an
 * object) reports each alternative; the one that got past the type check says what is wrong.
 */
function reasonOf(issue: z.core.$ZodIssue): { path: PropertyKey[]; reason: string } {
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const branch = issue.errors.find(
      (errors) => errors[0] && !(errors[0].code === "invalid_type" && errors[0].path.length === 0),
    );
    const inner = branch?.[0];
    if (inner) {
      const found = reasonOf(inner);
      return { path: [...issue.path, ...found.path], reason: found.reason };
    }
    const expected = issue.errors.flatMap((errors) =>
      errors[0]?.code === "invalid_type" ? [errors[0].expected] : [],
    );
    if (expected.length === issue.errors.length)
      return { path: [...issue.path], reason: `expected ${expected.join(" or ")}` };
  }
  if (issue.code === "unrecognized_keys") {
    return {
      path: [...issue.path, issue.keys[0]!],
      reason: "unknown key; check its spelling against docs/models.md",
    };
  }
  if (issue.code === "invalid_union" && "discriminator" in issue && issue.discriminator) {
    return {
      path: [...issue.path],
      reason:
        "unknown provider; expected one of openai, openai-compatible, ollama, http-bot, llama-cpp, baseline",
    };
  }
  return { path: [...issue.path], reason: issue.message };
}

/** Parses psysim.yaml text; `file` names it in errors. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line;
    throw configError(
      file,
      line,
      "",
      `invalid YAML: ${(yamlError.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")}`,
      doc.errors.length - 1,
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = PsysimConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const { path, reason } = reasonOf(first!);
    const missing = path.length > 0 && !doc.hasIn(path as unknown[]);
    throw configError(
      file,
      lineOf(doc, counter, path),
      fieldName(path),
      missing ? "required but missing" : reason,
      rest.length,
    );
  }
  return { ...parsed.data, source: { file, dir: dirname(resolve(file)) } };
}

/** Reads and checks psysim.yaml; any problem is one `CONFIG_INVALID` line naming the file, line and field. */
export function loadConfig(file: string = DEFAULT_CONFIG_FILE): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new PsysimError(
      "CONFIG_INVALID",
      `${file}: ${missing ? "no such config file; create it (see docs/models.md) or pass another --config" : `cannot read: ${(error as Error).message}`}`,
      { cause: error },
    );
  }
  return parseConfig(text, file);
}
