import type { Dialogue } from "../../core/dialogue.js";
import { InputLineError, PsysimError } from "../../core/errors.js";
import { readJsonl } from "../../core/jsonl.js";
import { parseDialogue } from "../../core/read-records.js";
import { formatShard, inShard, type Shard } from "../../core/shard.js";

/** Says what a record that is not a dialogue looks like, so the user knows which command or flag they meant. */
function wrongKind(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value))
    return "this looks like a plain list of messages; run `psysim import --from pairs` first";
  const record = value as Record<string, unknown>;
  if ("turns" in record) return undefined;
  if ("chief_complaint" in record)
    return "this looks like a role card, not a dialogue (did you swap --dialogues and --cards?)";
  if ("conversations" in record)
    return "this looks like ShareGPT data; run `psysim import --from sharegpt` first";
  if ("messages" in record)
    return "this looks like OpenAI chat data; run `psysim import --from openai` first";
  if ("winner" in record && "model_a" in record)
    return "this looks like an arena battle, not a dialogue";
  return undefined;
}

/**
 * Reads a dialogue file, naming the file kind when it is not dialogues at all. An empty
 * file and a repeated id are refused: either would make every figure computed from it wrong.
 */
export async function readDialogueFile(file: string): Promise<Dialogue[]> {
  const out: Dialogue[] = [];
  for await (const { value, line } of readJsonl(file, { nonEmpty: true, uniqueIds: true })) {
    const kind = wrongKind(value);
    if (kind) throw new InputLineError(file, line, "", kind);
    out.push(parseDialogue(value, file, line));
  }
  return out;
}

/** The dialogues a judge run rates, and where each sits in the file when it is one shard of it. */
export interface DialoguesToJudge {
  dialogues: Dialogue[];
  /**
   * With a shard: each dialogue's 0-based position among the file's dialogues. A sum of
   * floating-point numbers depends on its order, so `psysim merge` restores the file's order
   * from these to recompute the aggregates the unsharded run would have.
   */
  positions?: number[];
}

/**
 * The dialogues a judge run rates: all of the file, or with `shard` (`eval --shard k/n`)
 * those whose card id hashes to that part, the same split as `simulate --shard`. A judge run
 * over nothing would write an empty result that looks like a finished one, so it fails (an
 * empty file already fails in readDialogueFile).
 */
export async function readShardToJudge(file: string, shard?: Shard): Promise<DialoguesToJudge> {
  const all = await readDialogueFile(file);
  if (shard === undefined) return { dialogues: all };
  const positions = shardPositions(all, shard, file);
  return { dialogues: positions.map((i) => all[i]!), positions };
}

/** The positions of the dialogues in `shard`; none at all is an error. */
export function shardPositions(all: readonly Dialogue[], shard: Shard, file: string): number[] {
  const positions = all.flatMap((d, i) => (inShard(d.role_card_id ?? d.id, shard) ? [i] : []));
  if (positions.length === 0)
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}: none of its ${all.length} sessions falls in shard ${formatShard(shard)}; use fewer shards`,
    );
  return positions;
}

/** The dialogues of `readShardToJudge`, without their positions. */
export async function readDialoguesToJudge(file: string, shard?: Shard): Promise<Dialogue[]> {
  return (await readShardToJudge(file, shard)).dialogues;
}

/** The result's settings, with the shard it covers (`psysim merge` checks the rest agree). */
export function withShard(
  settings: Record<string, unknown>,
  shard: Shard | undefined,
): Record<string, unknown> {
  return shard ? { ...settings, shard: formatShard(shard) } : settings;
}
