import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { InputFileError, InputLineError, PsysimError } from "../../core/errors.js";
import type { Language } from "../../core/language.js";
import { readRecordValues } from "../../core/record-files.js";
import { SMILE_TOPICS, type Topic } from "./smile-topics.js";

/** Lower-cased, with numbering, brackets' spacing and full-width slashes evened out, for matching labels to names. */
export function normaliseTopicName(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/^\s*(?:#\s*)?\d+\s*[.、:：)）]?\s*/, "")
    .replace(/\s*\/\s*/g, "/")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/**
 * Reads a topic list: a `.txt` file with one topic a line, or JSONL / a JSON array / YAML of
 * strings or `{id?, en?, zh?}` objects. Names serve both languages when only one is given.
 */
export async function readTopicList(file: string): Promise<Topic[]> {
  const raw: { value: unknown; line: number }[] =
    extname(file).toLowerCase() === ".txt"
      ? readText(file)
          .split(/\r?\n/)
          .map((value, i) => ({ value: value.trim(), line: i + 1 }))
          .filter((v) => v.value !== "" && !v.value.startsWith("#"))
      : await readRecordValues(file);
  const problems: InputLineError[] = [];
  const topics: Topic[] = [];
  const seen = new Map<string, number>();
  raw.forEach(({ value, line }, i) => {
    const o =
      typeof value === "string"
        ? { en: value, zh: value }
        : typeof value === "object" && value !== null
          ? (value as Record<string, unknown>)
          : {};
    const en =
      typeof o["en"] === "string"
        ? o["en"]
        : typeof o["name"] === "string"
          ? o["name"]
          : typeof o["zh"] === "string"
            ? o["zh"]
            : undefined;
    const zh = typeof o["zh"] === "string" ? o["zh"] : en;
    const id = typeof o["id"] === "number" && Number.isInteger(o["id"]) ? o["id"] : i + 1;
    if (!en || !zh || en.trim() === "") {
      problems.push(
        new InputLineError(file, line, "", "expected a topic name or an object with en/zh names"),
      );
      return;
    }
    for (const name of new Set([normaliseTopicName(en), normaliseTopicName(zh)])) {
      const first = seen.get(name);
      if (first !== undefined)
        problems.push(
          new InputLineError(file, line, "", `topic "${name}" is already on line ${first}`),
        );
      else seen.set(name, line);
    }
    topics.push({ id, en: en.trim(), zh: zh.trim() });
  });
  if (problems.length > 0) throw new InputFileError(file, problems);
  if (topics.length < 2)
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}: a topic list needs at least two topics, found ${topics.length}`,
    );
  return topics;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    throw new PsysimError(
      "NOT_FOUND",
      `${file}: cannot read the topic list (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

export function defaultTopics(): Topic[] {
  return SMILE_TOPICS.map((t) => ({ ...t }));
}

/** The list as the judge sees it: numbered, in the session's language. */
export function formatTopicList(topics: readonly Topic[], language: Language): string {
  return topics.map((t) => `${t.id}. ${t[language]}`).join("\n");
}
