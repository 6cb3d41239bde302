import { sha256 } from "../core/hash.js";
import type { Language } from "../core/language.js";
import { loadSupervisorTemplate } from "../arena/supervisor-template.js";
import type { AnnotationStore } from "./annotation-store.js";

export interface Guidelines {
  /** One principle per line. */
  lines: string[];
  /** Recorded with every vote: which text the judge saw (`figure-13.zh@…` or `admin@…`). */
  version: string;
  source: "figure-13" | "admin";
}

const SETTING = "guidelines";

/**
 * The judging criteria human judges see. By default they are the numbered principles of the
 * LLM supervisor's own prompt (Figure 13, read from the same template file), in the page's
 * language, so judge–human agreement compares one task; the admin may replace them.
 */
export function currentGuidelines(store: AnnotationStore, language: Language): Guidelines {
  const custom = store.getSetting(SETTING);
  if (custom && custom.value.trim() !== "") {
    return {
      lines: custom.value.split(/\r?\n/).filter((l) => l.trim() !== ""),
      version: `admin@${sha256(custom.value).slice(0, 12)}`,
      source: "admin",
    };
  }
  const text = loadSupervisorTemplate(2, language).text;
  const lines = text.split("\n").filter((line) => /^\d+\.\s/.test(line));
  return {
    lines,
    version: `figure-13.${language}@${sha256(lines.join("\n")).slice(0, 12)}`,
    source: "figure-13",
  };
}

/** The admin's text replaces the default; an empty text restores Figure 13's principles. */
export function setGuidelines(store: AnnotationStore, text: string): void {
  store.putSetting(SETTING, text.replace(/\r\n/g, "\n").trim());
}
