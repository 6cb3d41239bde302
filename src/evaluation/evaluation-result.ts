import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { readWholeFile } from "../core/input-file.js";
import type { UsageByRole } from "../core/usage.js";

export type EvaluationKind =
  "stats" | "fidelity" | "topics" | "wai" | "compare" | "stages" | "safety" | "arena-safety";

/** One group's aggregates in a `--by` result, and which sessions it holds. */
export interface GroupResult<A> {
  field: string;
  value: string;
  sessions: number;
  dialogue_ids: string[];
  aggregates: A;
}

/** One shard result a merged result was recomputed from. */
export interface MergedShard {
  file: string;
  shard: string;
  sha256: string;
  sessions: number;
}

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
  /**
   * One shard's result (`--shard k/n`, named in `settings.shard`): each session's 0-based
   * position among the dialogue file's sessions, in the order of `sessions`.
   */
  positions?: number[];
  /** A result of `psysim merge`: the shard results it was recomputed from. */
  merged_from?: MergedShard[];
  sessions: Sessions;
  aggregates: Aggregates;
  /**
   * With `--by FIELD`: the same aggregates for each value of a role-card field or of
   * `session_index`, computed from `sessions` (so each group's numbers can be recomputed).
   */
  by_group?: GroupResult<Aggregates>[];
  usage?: UsageByRole;
}

export function fileRef(role: string, file: string, records?: number): InputFileRef {
  const bytes = readWholeFile(file);
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
    positions?: number[];
    merged_from?: MergedShard[];
    sessions: S;
    aggregates: A;
    by_group?: EvaluationResult<S, A>["by_group"];
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
    ...(parts.positions && { positions: parts.positions }),
    ...(parts.merged_from && { merged_from: parts.merged_from }),
    sessions: parts.sessions,
    aggregates: parts.aggregates,
  };
  if (parts.by_group) result.by_group = parts.by_group;
  if (parts.usage) result.usage = parts.usage;
  return result;
}
