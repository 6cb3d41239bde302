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

/** `supervisor-<1|2>.<language>.txt`, from the user's folder, the prompt set or the default. */
export function loadSupervisorTemplate(
  prompt: SupervisorPrompt,
  language: Language,
  options: TemplateOptions = {},
): PromptTemplate {
  return loadTemplate(`supervisor-${prompt}`, language, options);
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
