import type { Command } from "commander";
import { PROMPT_SETS, promptSetName, type TemplateOptions } from "../prompts/template.js";

export interface PromptFlags {
  prompts?: string;
  promptSet?: string;
}

/** `--prompt-set <name>`, for every command that sends one of the paper's prompts. */
export function promptSetOption(command: Command): Command {
  return command.option(
    "--prompt-set <name>",
    `prompt wording: ${Object.keys(PROMPT_SETS).join(" | ")} (default paper: the figures rule by rule; see docs/prompts.md)`,
  );
}

/** Template options from `--prompts <dir>` (wins per file) and `--prompt-set <name>`. */
export function templateOptions(flags: PromptFlags): TemplateOptions {
  return {
    ...(flags.prompts ? { overrideDir: flags.prompts } : {}),
    ...(flags.promptSet ? { promptSet: promptSetName(flags.promptSet) } : {}),
  };
}
