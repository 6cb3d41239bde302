import { closeSync, openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";
import { PsysimError } from "../core/errors.js";
import { readWholeFile } from "../core/input-file.js";
import { canonicalJson } from "../core/hash.js";
import { formatShard, parseShard, type Shard } from "../core/shard.js";
import { addUsageByRole, type UsageByRole } from "../core/usage.js";
import {
  evaluationResult,
  type EvaluationResult,
  type GroupResult,
  type InputFileRef,
  type MergedShard,
} from "./evaluation-result.js";
import { aggregateByGroup, compareGroupValues } from "./dialogue-stats/group-dialogues.js";
import {
  aggregationFor,
  isMergeableKind,
  MERGEABLE_KINDS,
  sessionIdOf,
  type MergeableKind,
} from "./result-aggregates.js";

type ShardResult = EvaluationResult<unknown[], unknown> & { kind: MergeableKind };

interface ReadShard {
  file: string;
  sha256: string;
  result: ShardResult;
  shard: Shard;
  positions: number[];
}

export interface MergedEvaluation {
  result: EvaluationResult<unknown[], unknown>;
  /** The shards merged, in shard order. */
  shards: MergedShard[];
  /** Shards of 1..n not given (`k/n`); only with `allowMissing`. */
  missing: string[];
}

export interface MergeEvaluationsOptions {
  /**
   * Merge what is there when shards are missing, and label the result partial in
   * `settings.partial` (a preview while a shard is rerun), instead of stopping.
   */
  allowMissing?: boolean;
}

/**
 * Whether a file is an evaluation result (`eval … --json`) rather than JSONL records: its
 * first kilobytes name the evaluation schema.
 */
export function isEvaluationResultFile(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return /^\s*\{\s*"schema"\s*:\s*"psysim\.evaluation\//.test(head.subarray(0, n).toString());
  } catch {
    // A folder or unreadable file: the JSONL reader names the problem in psysim's words.
    return false;
  } finally {
    closeSync(fd);
  }
}

const fail = (message: string): never => {
  throw new PsysimError("INPUT_INVALID", message);
};

function readShardResult(file: string): ReadShard {
  const bytes = readWholeFile(file);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    return fail(`${file}: not JSON (${(error as Error).message})`);
  }
  const result = value as Partial<ShardResult> | null;
  if (result?.schema !== "psysim.evaluation/1")
    return fail(`${file}: schema: not a psysim evaluation result (eval … --json)`);
  const kind = String(result.kind);
  if (!isMergeableKind(kind))
    return fail(
      `${file}: kind: "${kind}" results cannot be merged (only ${MERGEABLE_KINDS.join(", ")} take --shard)`,
    );
  if (!Array.isArray(result.sessions) || typeof result.settings !== "object")
    return fail(`${file}: sessions: missing; the file is not a whole evaluation result`);
  const part = result.settings?.["shard"];
  if (typeof part !== "string")
    return fail(`${file}: settings.shard: missing; this result covers a whole file, not a shard`);
  let shard: Shard;
  try {
    shard = parseShard(part);
  } catch (error) {
    return fail(`${file}: settings.shard: ${(error as Error).message}`);
  }
  const positions = result.positions;
  if (
    !Array.isArray(positions) ||
    positions.length !== result.sessions.length ||
    !positions.every((p) => Number.isInteger(p) && p >= 0)
  )
    return fail(
      `${file}: positions: missing or not one per session (written by an older psysim? rerun this shard)`,
    );
  return {
    file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    result: result as ShardResult,
    shard,
    positions,
  };
}

/** The inputs that must be the same file on every shard: roles and content hashes (paths may differ by machine). */
function inputsKey(inputs: readonly InputFileRef[]): string {
  return canonicalJson(
    inputs.map((i) => ({
      role: i.role,
      sha256: i.sha256,
      // A shard read every dialogue but rated its own part; other inputs are read whole.
      ...(i.role !== "dialogues" && { records: i.records ?? null }),
    })),
  );
}

/** Settings each shard records for its own sessions only: summed or joined, never compared whole. */
const PER_SHARD_SETTINGS = new Set(["shard", "languages", "prompts"]);

function sharedSettings(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([k]) => !PER_SHARD_SETTINGS.has(k)));
}

function checkAgree(first: ReadShard, other: ReadShard): void {
  const a = first.result;
  const b = other.result;
  if (b.kind !== a.kind)
    fail(`${other.file}: kind: a ${b.kind} result among ${a.kind} results from ${first.file}`);
  if (other.shard.count !== first.shard.count)
    fail(
      `${other.file}: settings.shard: ${formatShard(other.shard)}, but ${first.file} is ${formatShard(first.shard)}; every shard of one run has the same n`,
    );
  if (inputsKey(b.inputs) !== inputsKey(a.inputs)) {
    const role =
      a.inputs.find((i, k) => canonicalJson(i.sha256) !== canonicalJson(b.inputs[k]?.sha256))
        ?.role ?? "files";
    fail(
      `${other.file}: inputs.${role}: differs from ${first.file} (sha256); shards must read the same files`,
    );
  }
  const left = sharedSettings(a.settings);
  const right = sharedSettings(b.settings);
  const key = [...new Set([...Object.keys(left), ...Object.keys(right)])].find(
    (k) => canonicalJson(left[k] ?? null) !== canonicalJson(right[k] ?? null),
  );
  if (key !== undefined)
    fail(
      `${other.file}: settings.${key}: differs from ${first.file}; shards must run with the same settings, prompts and judge`,
    );
  const grouped = (r: ShardResult) => r.by_group?.[0]?.field ?? null;
  if (grouped(a) !== grouped(b))
    fail(
      `${other.file}: by_group: --by ${grouped(b) ?? "(none)"} here, --by ${grouped(a) ?? "(none)"} in ${first.file}`,
    );
}

/** Joins what each shard recorded for its own sessions: language counts summed, prompt hashes checked and joined. */
function mergedSettings(shards: readonly ReadShard[]): Record<string, unknown> {
  const { shard: _shard, ...settings } = shards[0]!.result.settings;
  const prompts: Record<string, unknown> = {};
  const promptSource: Record<string, string> = {};
  const languages: Record<string, number> = {};
  for (const s of shards) {
    const own = (s.result.settings["prompts"] ?? {}) as Record<string, unknown>;
    for (const [language, ref] of Object.entries(own)) {
      if (
        prompts[language] !== undefined &&
        canonicalJson(prompts[language]) !== canonicalJson(ref)
      )
        fail(
          `${s.file}: settings.prompts.${language}: differs from ${promptSource[language]}; shards must use the same prompt templates`,
        );
      prompts[language] = ref;
      promptSource[language] ??= s.file;
    }
    const counts = (s.result.settings["languages"] ?? {}) as Record<string, number>;
    for (const [language, n] of Object.entries(counts))
      languages[language] = (languages[language] ?? 0) + n;
  }
  if ("prompts" in settings) settings["prompts"] = prompts;
  if ("languages" in settings) settings["languages"] = languages;
  return settings;
}

/** The `--by` groups over all shards: each value's sessions in file order, values in the field's order. */
function mergedGroups(
  shards: readonly ReadShard[],
  orderedIds: readonly string[],
): { field: string; groups: { value: string; dialogues: { id: string }[] }[] } | undefined {
  const field = shards[0]!.result.by_group?.[0]?.field;
  if (field === undefined) return undefined;
  const valueOf = new Map<string, string>();
  for (const s of shards)
    for (const g of s.result.by_group as GroupResult<unknown>[])
      for (const id of g.dialogue_ids) valueOf.set(id, g.value);
  const values = [...new Set(valueOf.values())].sort((a, b) => compareGroupValues(field, a, b));
  return {
    field,
    groups: values.map((value) => ({
      value,
      dialogues: orderedIds.filter((id) => valueOf.get(id) === value).map((id) => ({ id })),
    })),
  };
}

/**
 * `psysim merge` for evaluation results: shard results (`eval <kind> --shard k/n --json`)
 * of one run back into the result the unsharded run would have written. Every shard must
 * read the same files (by hash) with the same settings, prompts and judge; every shard
 * 1..n must be there once and no session twice. The aggregates (and `--by` groups) are
 * recomputed from the per-session values, in the file's order, by the functions `eval` uses.
 */
export function mergeEvaluations(
  files: readonly string[],
  options: MergeEvaluationsOptions = {},
): MergedEvaluation {
  if (files.length === 0) fail("merge: name the shard results to combine");
  const shards = files.map(readShardResult);
  const first = shards[0]!;
  for (const other of shards.slice(1)) checkAgree(first, other);
  const kind = first.result.kind;
  const count = first.shard.count;

  const byIndex = new Map<number, ReadShard>();
  for (const s of shards) {
    const twin = byIndex.get(s.shard.index);
    if (twin)
      fail(
        `${s.file}: settings.shard: ${formatShard(s.shard)} is also ${twin.file}; give each shard once`,
      );
    byIndex.set(s.shard.index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter(
    (_, i) => !byIndex.has(i + 1),
  );
  if (missing.length > 0 && !options.allowMissing)
    fail(
      `missing shard${missing.length === 1 ? "" : "s"} ${missing.join(", ")} of the ${kind} run; run eval ${kind} with those --shard values and merge again (--allow-missing writes a result labelled partial)`,
    );

  const seen = new Map<string, string>();
  const placed: { position: number; id: string; session: unknown }[] = [];
  for (const s of shards)
    s.result.sessions.forEach((session, i) => {
      const id = sessionIdOf(kind, session);
      const earlier = seen.get(id);
      if (earlier !== undefined)
        fail(
          `${s.file}: sessions: "${id}" is also in ${earlier}; a session may be in one shard only`,
        );
      seen.set(id, s.file);
      placed.push({ position: s.positions[i]!, id, session });
    });
  placed.sort((a, b) => a.position - b.position);
  // Shards of one file hold positions 0..N-1 exactly once (a partial merge: each at most
  // once); anything else was edited or mixed.
  const wrong =
    missing.length === 0
      ? placed.findIndex((p, i) => p.position !== i)
      : placed.findIndex((p, i) => i > 0 && p.position === placed[i - 1]!.position);
  if (wrong >= 0)
    fail(
      `positions: the shards do not hold the dialogue file's sessions once each (at position ${wrong}); were they cut from one file?`,
    );

  const sessions = placed.map((p) => p.session);
  const aggregate = aggregationFor(first.result, first.file);
  const grouping = mergedGroups(
    shards,
    placed.map((p) => p.id),
  );
  const usage: UsageByRole = {};
  for (const s of shards)
    for (const [role, u] of Object.entries(s.result.usage ?? {})) addUsageByRole(usage, role, u);
  const ordered = [...shards].sort((a, b) => a.shard.index - b.shard.index);
  const mergedFrom: MergedShard[] = ordered.map((s) => ({
    file: s.file,
    shard: formatShard(s.shard),
    sha256: s.sha256,
    sessions: s.result.sessions.length,
  }));
  const inputs = first.result.inputs.map((i) =>
    i.role === "dialogues" ? { ...i, records: sessions.length } : i,
  );
  const result = evaluationResult(kind, {
    inputs,
    settings: {
      ...mergedSettings(shards),
      ...(missing.length > 0 && {
        partial: {
          shards_missing: missing,
          note: "a partial merge: every aggregate covers only the sessions of the shards given, not the whole dialogue file",
        },
      }),
    },
    merged_from: mergedFrom,
    sessions,
    aggregates: aggregate(sessions),
    ...(grouping && {
      by_group: aggregateByGroup(
        grouping.groups,
        grouping.field,
        // Only fidelity, topics and wai take --by, and their sessions carry `dialogue_id`.
        sessions as { dialogue_id: string }[],
        aggregate,
      ),
    }),
    ...(first.result.usage && { usage }),
  });
  return { result, shards: mergedFrom, missing };
}
