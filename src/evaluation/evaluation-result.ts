import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { PsysimError } from "../core/errors.js";
import type { UsageByRole } from "../core/usage.js";

export type EvaluationKind = "stats" | "fidelity" | "topics" | "wai" | "compare" | "stages";

/** An input file as read: its path, content hash and how many records were used. */
export interface InputFileRef {
  role: string;
  file: string;
  sha256: string;
  records?: number;
}

/**
 * What every `--json` output holds: the inputs' hashes, all settings, per-session values
 * (so a reader can recompute every aggregate and test) and the aggregates.
 */
export interface EvaluationResult<Sessions = unknown, Aggregates = unknown> {
  schema: "psysim.evaluation/1";
  kind: EvaluationKind;
  psysim_version: string;
  created_at: string;
  inputs: InputFileRef[];
  settings: Record<string, unknown>;
  sessions: Sessions;
  aggregates: Aggregates;
  usage?: UsageByRole;
}

export function fileRef(role: string, file: string, records?: number): InputFileRef {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new PsysimError(
      "NOT_FOUND",
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const ref: InputFileRef = {
    role,
    file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
  if (records !== undefined) ref.records = records;
  return ref;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export function evaluationResult<S, A>(
  kind: EvaluationKind,
  parts: {
    inputs: InputFileRef[];
    settings: Record<string, unknown>;
    sessions: S;
    aggregates: A;
    usage?: UsageByRole;
  },
): EvaluationResult<S, A> {
  const result: EvaluationResult<S, A> = {
    schema: "psysim.evaluation/1",
    kind,
    psysim_version: packageVersion(),
    created_at: new Date().toISOString(),
    inputs: parts.inputs,
    settings: parts.settings,
    sessions: parts.sessions,
    aggregates: parts.aggregates,
  };
  if (parts.usage) result.usage = parts.usage;
  return result;
}
