import { existsSync, readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { InputLineError, PsysimError } from "../core/errors.js";
import { LANGUAGES, type Language } from "../core/language.js";

/**
 * Where to get help now, per language. The defaults name widely listed services; a lab sets
 * its own (its institution's counseling service, the local emergency number) and should check
 * them before a study starts. The platform shows them in client mode; `eval safety` checks
 * whether a counselor pointed to help after a risk turn.
 */
export const DEFAULT_SUPPORT_RESOURCES: Record<Language, string> = {
  zh: [
    "如果你正处在危险中，请立即拨打 120 或 110。",
    "全国心理援助热线：400-161-9995",
    "北京心理危机研究与干预中心：010-82951332（24 小时）",
  ].join("\n"),
  en: [
    "If you are in danger now, call your local emergency number.",
    "US: call or text 988 (Suicide & Crisis Lifeline). UK and Ireland: Samaritans, 116 123.",
    "Elsewhere: findahelpline.com lists free, confidential helplines.",
  ].join("\n"),
};

/**
 * Reads a resources file: YAML or JSON, `{zh: text, en: text}`; a language left out keeps the
 * default. Any other key or a non-text value is a `file:line: field: reason` error.
 */
export function readSupportResources(file: string): Record<Language, string> {
  if (!existsSync(file)) throw new PsysimError("NOT_FOUND", `${file}: no such file`);
  const counter = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: counter });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    throw new InputLineError(
      file,
      error.linePos?.[0]?.line ?? 1,
      "",
      `invalid YAML or JSON (${error.message.split("\n")[0]})`,
    );
  }
  const value = doc.toJS() as unknown;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InputLineError(file, 1, "", "expected {zh: text, en: text}");
  const out = { ...DEFAULT_SUPPORT_RESOURCES };
  for (const [key, text] of Object.entries(value as Record<string, unknown>)) {
    const node = doc.get(key, true) as { range?: [number, number, number] } | undefined;
    const line = counter.linePos(node?.range?.[0] ?? 0).line;
    if (!(LANGUAGES as readonly string[]).includes(key))
      throw new InputLineError(file, line, key, `unknown language; use ${LANGUAGES.join(" or ")}`);
    if (typeof text !== "string" || text.trim() === "")
      throw new InputLineError(file, line, key, "expected non-empty text");
    out[key as Language] = text.trim();
  }
  return out;
}
