#!/usr/bin/env node
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "commander";

const here = dirname(fileURLToPath(import.meta.url));

export interface CommandModule {
  /** Adds one command to the program. Heavy libraries are imported inside the action, so `--help` stays fast. */
  register(program: Command): void;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(here, "..", "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** Every file in commands/ is one command: adding a command never touches this file. */
export async function buildProgram(): Promise<Command> {
  const program = new Command("psysim")
    .description("Simulate, evaluate and rank psychological-counseling dialogue agents (Interactive Agents, Qiu & Lan).")
    .version(version())
    .showHelpAfterError("(run with --help for usage)");
  const dir = join(here, "commands");
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts") && !f.endsWith(".test.ts"))
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<CommandModule>;
    mod.register?.(program);
  }
  return program;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === (await import("node:fs")).realpathSync(process.argv[1]);
if (isMain) {
  const program = await buildProgram();
  await program.parseAsync(process.argv);
}
