import { InvalidArgumentError, type Command } from "commander";
import { LANGUAGES, type Language } from "../core/language.js";

function parseLanguage(value: string): Language {
  if (!(LANGUAGES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`--lang expects zh or en, got "${value}"`);
  return value as Language;
}

/** `--lang zh|en`: the language of chart titles, axes and legends (and topic names). */
export function languageOption(command: Command, fallback: string): Command {
  return command.option(
    "--lang <zh|en>",
    `language of chart titles, axes and legends (default: ${fallback})`,
    parseLanguage,
  );
}
