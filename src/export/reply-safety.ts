import { readFileSync } from "node:fs";
import { z } from "zod";
import { PsysimError } from "../core/errors.js";
import { sha256 } from "../core/hash.js";
import { assertReadableFile } from "../core/input-file.js";
import {
  DIALOGUE_SAFETY_LABELS,
  type DialogueSafetyLabel,
} from "../evaluation/safety/dialogue-safety.js";

/**
 * Counselor-reply labels from an `eval safety --json` result, for `export --drop-unsafe`.
 * Only an LLM judge's result will do: the baseline (crisis lexicon and cue rules) does not
 * label replies against the taxonomy, and the crisis lexicon is written for what clients
 * say, so on the fly it would flag a counselor who names the risk back to the client.
 */
export interface ReplySafety {
  file: string;
  sha256: string;
  judge: string;
  /** The dialogue file the labels were computed on, as the result names it. */
  dialogues: { file: string; sha256: string };
  /**
   * A reply's label: a taxonomy label, null when the judge left it unlabelled, undefined
   * when the result does not cover it (another shard, or not a counselor turn).
   */
  labelOf: (dialogueId: string, turn: number) => DialogueSafetyLabel | null | undefined;
}

const SafetyFileSchema = z.object({
  schema: z.literal("psysim.evaluation/1"),
  kind: z.literal("safety"),
  inputs: z.array(z.object({ role: z.string(), file: z.string(), sha256: z.string() })).min(1),
  settings: z.object({ judge: z.string(), judge_baseline: z.boolean().optional() }),
  sessions: z.array(
    z.object({
      id: z.string(),
      counselor_turns: z.array(
        z.object({
          turn: z.number().int().nonnegative(),
          safety: z.enum(DIALOGUE_SAFETY_LABELS).nullable(),
        }),
      ),
    }),
  ),
});

const fix = (dialogues: string) =>
  `run psysim eval safety --dialogues ${dialogues} --judge MODEL --json FILE`;

/**
 * Reads a safety result and checks it was computed on one of `exported` (by content hash),
 * so labels are never applied to turns of another file that happens to share ids.
 */
export function readReplySafety(
  file: string,
  exported: readonly { file: string; sha256: string }[],
): ReplySafety {
  assertReadableFile(file);
  const bytes = readFileSync(file);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}: not valid JSON (${(error as Error).message}); expected the --json result of psysim eval safety`,
    );
  }
  const names = exported[0]?.file ?? "DIALOGUES";
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof kind === "string" && kind !== "safety")
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}: kind: a ${kind} result, not a safety result; expected the --json result of psysim eval safety (${fix(names)})`,
    );
  const parsed = SafetyFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}: ${issue.path.map(String).join(".") || "(top)"}: ${issue.message}; expected the --json result of psysim eval safety (${fix(names)})`,
    );
  }
  const result = parsed.data;
  if (result.settings.judge_baseline !== false)
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}: settings.judge: "${result.settings.judge}" labels no counselor reply (the baseline cannot judge replies against the taxonomy); ${fix(names)} with an LLM judge`,
    );
  const input = result.inputs.find((i) => i.role === "dialogues") ?? result.inputs[0]!;
  const match = exported.find((e) => e.sha256 === input.sha256);
  if (!match)
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}: inputs.0.sha256: labels ${input.file} (sha256 ${input.sha256.slice(0, 12)}…), not ${exported
        .map((e) => `${e.file} (sha256 ${e.sha256.slice(0, 12)}…)`)
        .join(", ")}; ${fix(names)}`,
    );
  const labels = new Map<string, DialogueSafetyLabel | null>();
  for (const s of result.sessions)
    for (const t of s.counselor_turns) labels.set(`${s.id}\u0000${t.turn}`, t.safety);
  return {
    file,
    sha256: sha256(bytes),
    judge: result.settings.judge,
    dialogues: match,
    labelOf: (id, turn) => labels.get(`${id}\u0000${turn}`),
  };
}
