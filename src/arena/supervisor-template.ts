import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Language } from "../core/language.js";
import type { Turn } from "../core/dialogue.js";
import {
  loadTemplate,
  renderTemplate,
  type PromptTemplate,
  type TemplateOptions,
} from "../prompts/template.js";

/** Prompt 1 (ethics principles, Figure 12) or prompt 2 (counseling skills, Figure 13). */
export type SupervisorPrompt = 1 | 2;

/** The supervisor prompts ship beside the arena sources; the same path works from src/ and dist/. */
export const SUPERVISOR_TEMPLATE_DIR = fileURLToPath(
  new URL("../../src/arena/templates/", import.meta.url),
);

/**
 * `supervisor-<1|2>.<language>.txt`: the user's override folder wins, as for every other
 * template; otherwise the built-in text from this folder.
 */
export function loadSupervisorTemplate(
  prompt: SupervisorPrompt,
  language: Language,
  options: TemplateOptions = {},
): PromptTemplate {
  const name = `supervisor-${prompt}`;
  if (options.overrideDir && existsSync(join(options.overrideDir, `${name}.${language}.txt`)))
    return loadTemplate(name, language, options);
  return {
    ...loadTemplate(name, language, { overrideDir: SUPERVISOR_TEMPLATE_DIR }),
    source: "builtin",
  };
}

const SPEAKERS: Record<
  Language,
  { client: string; counselor: string; option: (letter: string) => string }
> = {
  zh: { client: "来访者", counselor: "咨询师", option: (letter) => `回复${letter}` },
  en: { client: "Client", counselor: "Counselor", option: (letter) => `Response ${letter}` },
};

export function renderSupervisorPrompt(
  template: PromptTemplate,
  language: Language,
  history: readonly Turn[],
  shown: readonly [string, string],
): string {
  const names = SPEAKERS[language];
  const colon = language === "zh" ? "：" : ": ";
  return renderTemplate(template, {
    dialogue_history: history
      .map((t) => `${t.role === "client" ? names.client : names.counselor}${colon}${t.content}`)
      .join("\n"),
    shuffled_candidates: shown
      .map((text, k) => `${names.option(k === 0 ? "A" : "B")}${colon}${text}`)
      .join("\n"),
  });
}
