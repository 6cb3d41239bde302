import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { PsysimError } from "./errors.js";

/** The files psysim reads records from. */
export const RECORD_EXTENSIONS = [".jsonl", ".json", ".yaml", ".yml"] as const;

/** Name order with numbers compared as numbers, so `2.json` comes before `10.json`. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

const GLOB_CHARS = /[*?[]/;

function hasExtension(file: string, extensions: readonly string[]): boolean {
  const lower = file.toLowerCase();
  return extensions.some((e) => lower.endsWith(e));
}

/** `*` and `?` stay inside one folder; `**` crosses folders; `[abc]` is a character class. */
function globRegex(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) out += "\\[";
      else {
        out += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

function walk(dir: string, depth: number, out: string[]): void {
  if (depth < 0) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, depth - 1, out);
    else if (entry.isFile()) out.push(path);
  }
}

/** Files a glob matches, walking from its longest folder prefix without wildcards. */
function expandGlob(pattern: string): string[] {
  const parts = pattern.split(/[/\\]/);
  const firstWild = parts.findIndex((p) => GLOB_CHARS.test(p));
  const base = parts.slice(0, firstWild).join("/") || ".";
  if (!existsSync(base) || !statSync(base).isDirectory()) return [];
  const rest = parts.slice(firstWild);
  const depth = rest.includes("**") ? Infinity : rest.length - 1;
  const files: string[] = [];
  walk(base, depth, files);
  const regex = globRegex(rest.join("/"));
  return files.filter((f) => regex.test(relative(base, f).split(sep).join("/")));
}

/**
 * Expands command-line inputs into files, in a stable order: a file as given, a folder's
 * record files (not its subfolders), and a glob. psysim expands quoted globs itself, so
 * `"data/*.json"` works the same in every shell and past the shell's argument limit.
 * An input that names nothing is an error, not an empty dataset.
 */
export function expandInputPaths(
  inputs: readonly string[],
  extensions: readonly string[] = RECORD_EXTENSIONS,
): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (files: string[]) => {
    for (const f of files.sort(naturalCompare)) {
      if (!seen.has(f)) {
        seen.add(f);
        out.push(f);
      }
    }
  };
  for (const input of inputs) {
    if (existsSync(input)) {
      if (!statSync(input).isDirectory()) {
        add([input]);
        continue;
      }
      const files = readdirSync(input, { withFileTypes: true })
        .filter((e) => e.isFile() && !e.name.startsWith(".") && hasExtension(e.name, extensions))
        .map((e) => join(input, e.name));
      if (files.length === 0)
        throw new PsysimError(
          "NOT_FOUND",
          `${input}: folder has no ${extensions.join(", ")} files`,
        );
      add(files);
    } else if (GLOB_CHARS.test(input)) {
      const files = expandGlob(input).filter((f) => hasExtension(f, extensions));
      if (files.length === 0)
        throw new PsysimError("NOT_FOUND", `${input}: no ${extensions.join(", ")} file matches`);
      add(files);
    } else throw new PsysimError("NOT_FOUND", `${input}: no such file or folder`);
  }
  return out;
}
