import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "commander";
import { PSYSIM_VERSION } from "../core/version.js";

const here = dirname(fileURLToPath(import.meta.url));

export interface CommandModule {
  /** Adds one command to the program. Heavy libraries are imported inside the action, so `--help` stays fast. */
  register(program: Command): void;
}

/** Every file in commands/ is one command: adding a command never touches this file. */
export async function buildProgram(): Promise<Command> {
  const program = new Command("psysim")
    .description(
      "Simulate, evaluate and rank psychological-counseling dialogue agents (Interactive Agents, Qiu & Lan).",
    )
    .version(PSYSIM_VERSION)
    .showHelpAfterError("(run with --help for usage)");
  const dir = join(here, "commands");
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<CommandModule>;
    mod.register?.(program);
  }
  return program;
}
