import type { Command } from "commander";
import type { NamedPath, ResultIdentity } from "../core/output-guard.js";

/**
 * Options whose value is written. Everything else a command is given (arguments, --cards,
 * --dialogues, --config, --dataset NAME=FILE, …) is an input when it names an existing file.
 * The first group holds one writer each (a lock); the call cache and the annotation
 * database are SQLite files made for several processes at once, so they are only kept off
 * the inputs.
 */
const LOCKED_OUTPUTS = ["out", "outDir", "json", "trainOut", "testOut", "dialoguesOut"];
const SHARED_OUTPUTS = ["plots", "figures", "cache", "db", "batchDir"];

const evaluation = (kind: string): ResultIdentity => ({ schema: "psysim.evaluation/1", kind });

/**
 * What each command's `--json <file>` holds, so that an existing file is checked before
 * any paid work starts (`writeJsonResult` checks again against the result it writes). A
 * command missing here gets the looser up-front check: any psysim result.
 */
export const JSON_RESULTS: Readonly<
  Record<string, ResultIdentity | ((flags: Record<string, unknown>) => ResultIdentity)>
> = {
  stats: evaluation("stats"),
  "eval fidelity": evaluation("fidelity"),
  "eval topics": evaluation("topics"),
  "eval wai": evaluation("wai"),
  "eval stages": evaluation("stages"),
  // With --battles it rates the arena's replies, a result of another shape.
  "eval safety": (flags) => evaluation(flags["battles"] === undefined ? "safety" : "arena-safety"),
  compare: evaluation("compare"),
  ratings: { schema: "psysim.ratings/1" },
  "judge-agreement": { schema: "psysim.judge-agreement/1" },
};

export interface CommandPaths {
  inputs: NamedPath[];
  outputs: NamedPath[];
  /** The outputs that take a lock. */
  locked: NamedPath[];
  /** The command as typed, without options: `eval wai`. */
  name: string;
}

/** Reads a parsed command's inputs and outputs from its arguments and option values. */
export function commandPaths(command: Command): CommandPaths {
  const inputs: NamedPath[] = [];
  const outputs: NamedPath[] = [];
  const locked: NamedPath[] = [];
  const argNames = command.registeredArguments.map((a) => `<${a.name()}>`);
  command.processedArgs.forEach((value, i) =>
    strings(value).forEach((path) => inputs.push({ flag: argNames[i] ?? "argument", path })),
  );
  for (const [key, value] of Object.entries(command.opts())) {
    const flag = command.options.find((o) => o.attributeName() === key)?.long ?? `--${key}`;
    for (const path of strings(value)) {
      if (LOCKED_OUTPUTS.includes(key)) {
        outputs.push({ flag, path });
        locked.push({ flag, path });
      } else if (SHARED_OUTPUTS.includes(key)) outputs.push({ flag, path });
      else {
        inputs.push({ flag, path });
        // `--dataset name=file` names its file after the `=`.
        const eq = path.indexOf("=");
        if (eq > 0) inputs.push({ flag, path: path.slice(eq + 1) });
      }
    }
  }
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return { inputs, outputs, locked, name: names.join(" ") };
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return value === "" ? [] : [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}
