import type { Command } from "commander";
import { parseInteger } from "./run-action.js";

/** What `modelOptions` adds to a command's flags. */
export interface ModelFlags {
  config?: string;
  /** A cache file, or false with `--no-cache`; true means the configured default. */
  cache: string | boolean;
  /** False with `--no-preflight`. */
  preflight: boolean;
}

/**
 * The options every command that calls models shares: `--config`, `--cache`, `--no-cache`
 * and `--no-preflight`, declared once so their names and help read the same everywhere.
 */
export function modelOptions(command: Command): Command {
  return command
    .option("--config <file>", "psysim.yaml (default: ./psysim.yaml when present)")
    .option(
      "--cache <file>",
      "SQLite call cache (default .psysim/cache.sqlite); a rerun replays finished calls",
    )
    .option("--no-cache", "do not cache model calls (an interrupted run then repeats them)")
    .option(
      "--no-preflight",
      "skip the one GET /models request per endpoint made before the first call (for servers without /models); keys and model files are still checked",
    );
}

/** `--seed <n>`, parsed as a whole number; `what` says what it seeds. */
export function seedOption(command: Command, what: string, defaultValue?: number): Command {
  return defaultValue === undefined
    ? command.option("--seed <n>", what, parseInteger("--seed"))
    : command.option("--seed <n>", what, parseInteger("--seed"), defaultValue);
}

/** `--json <file>`: the full result as JSON; `what` says what goes in it. */
export function jsonOption(command: Command, what: string): Command {
  return command.option("--json <file>", what);
}

/** `--dry-run`: print the plan and its estimated calls, tokens and cost, then exit without calling. */
export function dryRunOption(command: Command): Command {
  return command.option(
    "--dry-run",
    "print planned sessions, estimated calls, tokens and cost per model, then exit without calling any model",
  );
}

/**
 * `--shard <k/n>`: part k of n of the pool by a hash of the card id (core/shard.ts), the same
 * split on simulate, arena and eval, so an array job's task i runs and rates the same cards.
 */
export function shardOption(command: Command, what: string): Command {
  return command.option(
    "--shard <k/n>",
    `only the ${what} whose card id hashes to part k of n (1-based), for array jobs; combine with psysim merge`,
  );
}
