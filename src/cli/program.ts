import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
import { PSYSIM_VERSION } from "../core/version.js";
import { EXIT_USAGE } from "./run-action.js";

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
    .version(PSYSIM_VERSION);
  const dir = join(here, "commands");
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<CommandModule>;
    mod.register?.(program);
  }
  for (const command of withSubcommands(program)) oneLineUsageErrors(command);
  return program;
}

function withSubcommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(withSubcommands)];
}

/**
 * Commander prints its own errors in two lines plus help; psysim's rule is one `psysim: …`
 * line and exit status 2 for every usage error. Help and --version still exit 0, and the
 * thrown CommanderError lets an in-process caller (the demo, tests) see the status.
 */
function oneLineUsageErrors(command: Command): void {
  const path = withParents(command);
  command.configureOutput({
    // Only the help commander appends to an error goes here; the one line below replaces it.
    writeErr: () => {},
    outputError: () => {},
  });
  command.exitOverride((error) => {
    if (error.exitCode === 0) throw error;
    const names = command.commands.map((c) => c.name());
    const message =
      error.code === "commander.help"
        ? `missing command: give one of ${names.join(", ")} (run ${path} --help)`
        : `${usageMessage(error.message)} (run ${path} --help for usage)`;
    process.stderr.write(`psysim: ${message}\n`);
    throw new CommanderError(EXIT_USAGE, error.code, message);
  });
}

function withParents(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** `error: option '--seed <n>' argument 'x' is invalid. --seed expects …` → `--seed expects …`. */
function usageMessage(text: string): string {
  const oneLine = text
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
  return oneLine.match(/argument '.*' is invalid\. (.+)$/)?.[1] ?? oneLine;
}
