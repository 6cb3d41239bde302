import { existsSync, readFileSync } from "node:fs";
import { PsysimError } from "../core/errors.js";
import { loadTemplate } from "../prompts/template.js";
import type { SystemPromptChoice } from "./export-dialogues.js";

/**
 * `--system-prompt paper|none|FILE`: the paper prepends its counselor prompt (Figure 9)
 * to every sample (§5.2.2), in the session's language; `none` trains without one; a file
 * gives one prompt for every language.
 */
export function systemPromptChoice(option: string, templateDir?: string): SystemPromptChoice {
  if (option === "none") return { label: "none", forLanguage: () => undefined };
  if (option === "paper") {
    const cache = new Map<string, string>();
    return {
      label: "paper",
      forLanguage: (language) => {
        let text = cache.get(language);
        if (text === undefined)
          cache.set(
            language,
            (text = loadTemplate(
              "counselor",
              language,
              templateDir ? { overrideDir: templateDir } : {},
            ).text),
          );
        return text;
      },
    };
  }
  if (!existsSync(option))
    throw new PsysimError(
      "NOT_FOUND",
      `--system-prompt: ${option}: no such file (use paper, none, or a text file)`,
    );
  const text = readFileSync(option, "utf8")
    .replace(/^\uFEFF/, "")
    .trim();
  if (text === "")
    throw new PsysimError(
      "INPUT_INVALID",
      `--system-prompt: ${option} is empty; use none to export without a system prompt`,
    );
  return { label: `file:${option}`, forLanguage: () => text };
}
