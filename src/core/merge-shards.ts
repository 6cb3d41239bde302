import { closeSync, openSync, renameSync, unlinkSync } from "node:fs";
import { ensureParentDir, readJsonl } from "./jsonl.js";
import { InputLineError, PsysimError } from "./errors.js";
import { parseBattle, parseDialogue } from "./read-records.js";
import { canonicalJson } from "./hash.js";
import type { Dialogue } from "./dialogue.js";
import type { Battle } from "./battle.js";
import { shardOfId } from "./shard.js";
import { assertOutputsApart } from "./output-guard.js";
import { writeFully } from "./write-fully.js";

export interface MergeShardsOptions {
  /** Shard outputs: all dialogues (simulate, arena's dialogue file) or all battles (arena). */
  inputs: readonly string[];
  out: string;
  /** Card ids the pool holds, to report cards no shard finished. */
  cardIds?: readonly string[];
}

export interface MergeShardsSummary {
  kind: "dialogue" | "battle";
  out: string;
  records: number;
  perInput: { file: string; records: number }[];
  /** Cards of `cardIds` with no dialogue, each with the shard that owns it when shards were recorded. */
  missing: { cardId: string; shard?: string }[];
}

/**
 * The settings every dialogue of one run shares, per language (each language has its own
 * prompt templates): what must agree before shards may be merged. Timestamps, usage, the
 * per-dialogue seed and the shard itself differ by design and are left out.
 */
const RUN_SETTINGS = [
  "client",
  "counselor",
  "prompts",
  "run_seed",
  "max_turns",
  "validator",
  "termination_phrases",
  "baseline",
] as const;

function dialogueSettings(dialogue: Dialogue): string {
  const meta = dialogue.meta as Record<string, unknown>;
  return canonicalJson(Object.fromEntries(RUN_SETTINGS.map((key) => [key, meta[key] ?? null])));
}

function firstDifference(a: string, b: string): string {
  const left = JSON.parse(a) as Record<string, unknown>;
  const right = JSON.parse(b) as Record<string, unknown>;
  const key = RUN_SETTINGS.find((k) => canonicalJson(left[k]) !== canonicalJson(right[k]));
  return key === undefined ? "settings" : `meta.${key}`;
}

/**
 * Combines shard outputs into one file (`psysim merge`): every record once, settings and
 * prompt hashes equal across shards, missing cards reported. The output is written to a
 * temporary file and renamed, so a failed merge leaves no half-written result; inputs are
 * streamed, so a million sessions need memory only for their ids.
 */
export async function mergeShards(options: MergeShardsOptions): Promise<MergeShardsSummary> {
  if (options.inputs.length === 0)
    throw new PsysimError("INPUT_INVALID", "merge: name the shard files to combine");
  // An output that is one of the inputs would be truncated before it is read.
  assertOutputsApart(
    options.inputs.map((path) => ({ flag: "input", path })),
    [{ flag: "--out", path: options.out }],
  );
  ensureParentDir(options.out);
  const tmp = `${options.out}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  let kind: "dialogue" | "battle" | undefined;
  const seen = new Map<string, string>();
  const settings = new Map<string, { value: string; where: string }>();
  const shardOfCard = new Map<string, string>();
  const covered = new Set<string>();
  const perInput: MergeShardsSummary["perInput"] = [];
  try {
    for (const file of options.inputs) {
      let records = 0;
      for await (const { value, line } of readJsonl(file)) {
        const where = `${file}:${line}`;
        const recordKind = kindOf(value) ?? kind ?? "dialogue";
        kind ??= recordKind;
        if (recordKind !== kind)
          throw new InputLineError(file, line, "schema", `a ${recordKind} among ${kind} records`);
        const id =
          kind === "dialogue" ? checkDialogue(value, file, line) : checkBattle(value, file, line);
        const earlier = seen.get(id.id);
        if (earlier !== undefined)
          throw new InputLineError(
            file,
            line,
            "id",
            `"${id.id}" is also in ${earlier}: two shards ran the same card (were they run with different --shard n?)`,
          );
        seen.set(id.id, where);
        const before = settings.get(id.group);
        if (before === undefined) settings.set(id.group, { value: id.settings, where });
        else if (before.value !== id.settings)
          throw new InputLineError(
            file,
            line,
            id.kind === "dialogue" ? firstDifference(before.value, id.settings) : "judge",
            `differs from ${before.where}; shards must run with the same settings and prompts`,
          );
        if (id.cardId !== undefined) {
          covered.add(id.cardId);
          if (id.shard !== undefined) shardOfCard.set(id.cardId, id.shard);
        }
        writeAll(fd, JSON.stringify(value) + "\n", options.out);
        records += 1;
      }
      perInput.push({ file, records });
    }
    closeSync(fd);
    renameSync(tmp, options.out);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // Already closed when the rename failed; the temporary file is removed below either way.
    }
    unlinkSync(tmp);
    throw error;
  }
  const shardCount = [...shardOfCard.values()].map((s) => Number(s.split("/")[1]))[0];
  const missing = (options.cardIds ?? [])
    .filter((cardId) => !covered.has(cardId))
    .map((cardId) =>
      shardCount === undefined || kind === "battle"
        ? { cardId }
        : { cardId, shard: `${shardOfId(cardId, shardCount)}/${shardCount}` },
    );
  return {
    kind: kind ?? "dialogue",
    out: options.out,
    records: seen.size,
    perInput,
    missing,
  };
}

interface RecordIdentity {
  kind: "dialogue" | "battle";
  id: string;
  /** Records compared for equal settings: dialogues per language, battles all together. */
  group: string;
  settings: string;
  cardId?: string;
  shard?: string;
}

function kindOf(value: unknown): "dialogue" | "battle" | undefined {
  const tag = (value as { schema?: unknown } | null)?.schema;
  if (typeof tag !== "string") return undefined;
  if (tag.startsWith("psysim.battle/")) return "battle";
  if (tag.startsWith("psysim.dialogue/")) return "dialogue";
  return undefined;
}

function checkDialogue(value: unknown, file: string, line: number): RecordIdentity {
  const dialogue = parseDialogue(value, file, line);
  const shard = (dialogue.meta as { shard?: unknown }).shard;
  return {
    kind: "dialogue",
    id: dialogue.id,
    group: dialogue.language,
    settings: dialogueSettings(dialogue),
    cardId: dialogue.role_card_id ?? dialogue.id,
    ...(typeof shard === "string" ? { shard } : {}),
  };
}

function checkBattle(value: unknown, file: string, line: number): RecordIdentity {
  const battle: Battle = parseBattle(value, file, line);
  return { kind: "battle", id: battle.id, group: "battles", settings: battle.judge };
}

function writeAll(fd: number, text: string, out: string): void {
  try {
    writeFully(fd, text);
  } catch (error) {
    throw new PsysimError(
      "OUTPUT_UNWRITABLE",
      `${out}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was merged`,
    );
  }
}
