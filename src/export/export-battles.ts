import { historyRef, battleHistory } from "../arena/battle-history.js";
import type { Battle } from "../core/battle.js";
import type { Dialogue } from "../core/dialogue.js";
import { PsysimError } from "../core/errors.js";
import { canonicalJson, sha256 } from "../core/hash.js";
import { readJsonl } from "../core/jsonl.js";
import type { Language } from "../core/language.js";
import { parseBattle, parseDialogue } from "../core/read-records.js";
import { withStaging, type ExportStaging } from "./export-staging.js";
import {
  countInto,
  countSafety,
  emptyUnsafeSummary,
  fileSha256,
  recordFlags,
  reportSettings,
  unsafeWarnings,
  TOKEN_METHOD,
  type DroppedRecord,
  type ExportReport,
} from "./export-report.js";
import type { SystemPromptChoice } from "./export-dialogues.js";
import { updateDatasetInfo } from "./llamafactory-config.js";
import {
  battlePair,
  rankingDatasetInfo,
  toOpenAiPreference,
  toPlainPair,
  toShareGptRanking,
  type PreferencePair,
} from "./preference-pair.js";
import { isUnsafeFlag, replyFlags, type ReplyCheck } from "./reply-flags.js";
import { readReplySafety, type ReplySafety } from "./reply-safety.js";
import { approximateTokens } from "./token-estimate.js";
import { validationIds } from "./validation-split.js";

/** `dpo`: LLaMA-Factory's sharegpt ranking format; `openai-dpo`: OpenAI's preference fine-tuning format. */
export const DPO_FORMATS = ["dpo", "openai-dpo"] as const;
export type DpoFormat = (typeof DPO_FORMATS)[number];

export interface ExportBattlesOptions {
  format: DpoFormat;
  /** Arena battles JSONL (psysim.battle/1). */
  input: string;
  /** The dialogue files the battles were fought in: their turns are the pairs' history. */
  dialogues: string[];
  outDir: string;
  systemPrompt: SystemPromptChoice;
  valRatio: number;
  seed: number;
  maxHistory?: number;
  /** Prefix of every file and dataset name written (default `psysim_dpo`). */
  name: string;
  checkReply?: ReplyCheck;
  dropFlagged: boolean;
  /**
   * An `eval safety --json` result (LLM judge) on one of `dialogues`: a pair whose chosen
   * reply is the dialogue's turn there and is labelled unsafe is left out.
   */
  dropUnsafe?: string;
}

export function dpoFileNames(name: string) {
  return {
    train: `${name}_train.jsonl`,
    validation: `${name}_val.jsonl`,
    pairs: `${name}_pairs.jsonl`,
    report: `${name}_hygiene.json`,
    datasetInfo: "dataset_info.json",
  };
}

interface Resolved {
  pair: PreferencePair;
  /** The chosen reply's safety label: the dialogue's turn at the battle, when the pick is that turn's text. */
  safety: ReturnType<ReplySafety["labelOf"]>;
  language: Language;
  baseline: boolean;
  key: string;
  /** Same for A-over-B and B-over-A on the same history: finds contradicting judgments. */
  undirected: string;
  direction: string;
}

/**
 * Turns arena battles into preference pairs (history, chosen, rejected) for DPO, in
 * LLaMA-Factory's sharegpt ranking format or OpenAI's preference format, and as plain JSONL. Ties, both-bad and
 * unparsed verdicts express no preference and are left out and counted; pairs judged
 * both ways on the same history contradict each other and are left out too.
 */
export async function exportBattles(options: ExportBattlesOptions): Promise<ExportReport> {
  const file = options.input;
  const dialogueFiles = await Promise.all(
    options.dialogues.map(async (f) => ({ file: f, sha256: await fileSha256(f) })),
  );
  // Read first, so a wrong or stale safety file fails before any battle is read.
  const replySafety =
    options.dropUnsafe === undefined
      ? undefined
      : readReplySafety(options.dropUnsafe, dialogueFiles);
  const battles: { battle: Battle; line: number }[] = [];
  for await (const { value, line } of readJsonl(file))
    battles.push({ battle: parseBattle(value, file, line), line });
  const dialogues = await readReferencedDialogues(
    options.dialogues,
    new Set(battles.map((b) => b.battle.dialogue_id)),
  );

  const dropped: DroppedRecord[] = [];
  const droppedByReason: Record<string, number> = {};
  const excluded: Record<string, number> = {};
  const drop = (line: number, id: string, reason: string, field: string, message: string) => {
    dropped.push({ line, id, reason, message: `${file}:${line}: ${field}: ${message}` });
    countInto(droppedByReason, reason);
  };
  const seenIds = new Map<string, number>();
  const resolved: Resolved[] = [];
  for (const { battle, line } of battles) {
    const first = seenIds.get(battle.id);
    if (first !== undefined) {
      drop(
        line,
        battle.id,
        "duplicate-id",
        "id",
        `duplicate battle id "${battle.id}" (first on line ${first})`,
      );
      continue;
    }
    seenIds.set(battle.id, line);
    const dialogue = dialogues.get(battle.dialogue_id);
    if (!dialogue) {
      drop(
        line,
        battle.id,
        "dialogue-not-found",
        "dialogue_id",
        `dialogue "${battle.dialogue_id}" is not in ${options.dialogues.join(", ") || "any --dialogues file"}`,
      );
      continue;
    }
    const history = battleHistory(dialogue, battle.turn);
    if (!history) {
      drop(
        line,
        battle.id,
        "turn-out-of-range",
        "turn",
        `dialogue "${battle.dialogue_id}" has no counselor turn ${battle.turn}`,
      );
      continue;
    }
    if (historyRef(history) !== battle.history_ref) {
      drop(
        line,
        battle.id,
        "history-mismatch",
        "history_ref",
        `does not match the turns of dialogue "${battle.dialogue_id}" before turn ${battle.turn}; the dialogue file is not the one this battle was judged on`,
      );
      continue;
    }
    const system = options.systemPrompt.forLanguage(dialogue.language);
    const pair = battlePair(battle, history, {
      ...(system === undefined ? {} : { system }),
      ...(options.maxHistory === undefined ? {} : { maxHistory: options.maxHistory }),
    });
    if (typeof pair === "string") {
      countInto(excluded, pair);
      continue;
    }
    // The arena continues a session with the pick, so its dialogue turn is the chosen reply;
    // a human vote that picked the other candidate has no label there.
    const continuation = dialogue.turns[history.length];
    const safety =
      continuation?.content === pair.chosen
        ? replySafety?.labelOf(dialogue.id, history.length)
        : undefined;
    const context = canonicalJson({ system: pair.system ?? null, history: pair.history });
    const [x, y] = [pair.chosen, pair.rejected].sort();
    resolved.push({
      pair,
      safety,
      language: dialogue.language,
      baseline: dialogue.meta.baseline === true || battle.judge.startsWith("baseline"),
      key: sha256(canonicalJson([context, pair.chosen, pair.rejected])),
      undirected: sha256(canonicalJson([context, x, y])),
      direction: pair.chosen,
    });
  }

  const directions = new Map<string, Set<string>>();
  for (const r of resolved)
    (
      directions.get(r.undirected) ?? directions.set(r.undirected, new Set()).get(r.undirected)!
    ).add(r.direction);
  const heldOut = validationIds(
    [...new Set(resolved.map((r) => r.pair.dialogueId))],
    options.valRatio,
    options.seed,
  );
  const names = dpoFileNames(options.name);

  return withStaging(options.outDir, async (staging) => {
    const report = emptyReport(
      options,
      file,
      await fileSha256(file),
      dialoguesHash(dialogueFiles),
      battles.length,
      dropped,
      droppedByReason,
      excluded,
      replySafety,
    );
    const seen = new Set<string>();
    let longest = 0;
    // Train pairs first, so a pair duplicated across the split stays in training.
    const ordered = [
      ...resolved.filter((r) => !heldOut.has(r.pair.dialogueId)),
      ...resolved.filter((r) => heldOut.has(r.pair.dialogueId)),
    ];
    for (const r of ordered) {
      if (directions.get(r.undirected)!.size > 1) {
        countInto(excluded, "contradictory");
        continue;
      }
      if (seen.has(r.key)) {
        report.samples.duplicates_removed += 1;
        continue;
      }
      seen.add(r.key);
      countSafety(report, r.safety);
      const flags = replyFlags(
        { role: "counselor", content: r.pair.chosen },
        r.language,
        options.checkReply,
        r.safety,
      );
      if (flags.length > 0) {
        recordFlags(report, r.pair.id, r.pair.chosen, flags);
        if (flags.some(isUnsafeFlag) && replySafety) {
          report.samples.unsafe_removed! += 1;
          continue;
        }
        if (options.dropFlagged) {
          report.samples.flagged_removed += 1;
          continue;
        }
      }
      const split = heldOut.has(r.pair.dialogueId) ? "validation" : "train";
      const tokens = approximateTokens(
        [
          r.pair.system ?? "",
          ...r.pair.history.map((m) => m.content),
          r.pair.chosen,
          r.pair.rejected,
        ].join("\n"),
      );
      longest = Math.max(longest, tokens);
      report.tokens_approx[split] += tokens;
      report.samples[split] += 1;
      staging.appendJsonl(
        split === "train" ? names.train : names.validation,
        options.format === "openai-dpo" ? toOpenAiPreference(r.pair) : toShareGptRanking(r.pair),
      );
      staging.appendJsonl(names.pairs, toPlainPair(r.pair, split));
    }
    if (report.samples.train === 0) {
      throw new PsysimError(
        "INPUT_INVALID",
        `${file}: no preference pairs to export (${battles.length} battles; ${
          Object.entries({ ...droppedByReason, ...excluded })
            .map(([k, v]) => `${k} ${v}`)
            .join(", ") || "none usable"
        })`,
      );
    }
    report.records.used = resolved.length;
    report.records.baseline = resolved.filter((r) => r.baseline).length;
    report.records.validation = resolved.filter((r) => heldOut.has(r.pair.dialogueId)).length;
    report.records.train = resolved.length - report.records.validation;
    report.tokens_approx.longest_sample = longest;
    const warnings = unsafeWarnings(report);
    if (warnings.length > 0) report.warnings = warnings;

    writeRankingDatasetInfo(staging, options, names, report);
    report.files = [...staging.files(), names.report];
    staging.writeFile(names.report, JSON.stringify(report, null, 2) + "\n");
    return { result: report, stale: [names.validation] };
  });
}

function writeRankingDatasetInfo(
  staging: ExportStaging,
  options: ExportBattlesOptions,
  names: ReturnType<typeof dpoFileNames>,
  report: ExportReport,
): void {
  const [train, val] = [`${options.name}_train`, `${options.name}_val`];
  if (options.format !== "dpo") {
    updateDatasetInfo(staging, {}, [train, val]);
    return;
  }
  const withSystem = options.systemPrompt.label !== "none";
  const hasValidation = report.samples.validation > 0;
  updateDatasetInfo(
    staging,
    {
      [train]: rankingDatasetInfo(names.train, withSystem),
      ...(hasValidation ? { [val]: rankingDatasetInfo(names.validation, withSystem) } : {}),
    },
    hasValidation ? [] : [val],
  );
}

async function readReferencedDialogues(
  files: readonly string[],
  ids: ReadonlySet<string>,
): Promise<Map<string, Dialogue>> {
  const out = new Map<string, Dialogue>();
  for (const file of files) {
    for await (const { value, line } of readJsonl(file)) {
      const id = (value as { id?: unknown } | null)?.id;
      // Only the dialogues battles refer to are parsed and kept; the first file naming an id wins.
      if (typeof id !== "string" || !ids.has(id) || out.has(id)) continue;
      out.set(id, parseDialogue(value, file, line));
    }
  }
  return out;
}

function dialoguesHash(files: readonly { file: string; sha256: string }[]): {
  file: string;
  sha256: string;
} {
  return {
    file: files.map((f) => f.file).join(", "),
    sha256: sha256(files.map((f) => `${f.file}:${f.sha256}`).join("\n")),
  };
}

function emptyReport(
  options: ExportBattlesOptions,
  file: string,
  sha: string,
  dialogues: { file: string; sha256: string },
  read: number,
  dropped: DroppedRecord[],
  droppedByReason: Record<string, number>,
  excluded: Record<string, number>,
  replySafety: ReplySafety | undefined,
): ExportReport {
  return {
    schema: "psysim.export-report/1",
    kind: "dpo",
    format: options.format,
    input: { file, sha256: sha, dialogues },
    settings: reportSettings(options),
    records: {
      read,
      used: 0,
      train: 0,
      validation: 0,
      dropped: dropped.length,
      dropped_by_reason: droppedByReason,
      dropped_records: dropped,
      baseline: 0,
    },
    samples: {
      train: 0,
      validation: 0,
      duplicates_removed: 0,
      flagged_removed: 0,
      ...(replySafety && { unsafe_removed: 0 }),
      excluded,
    },
    tokens_approx: { train: 0, validation: 0, longest_sample: 0, method: TOKEN_METHOD },
    flags: { replies: 0, by_flag: {}, examples: [] },
    ...(replySafety && { unsafe: emptyUnsafeSummary(replySafety) }),
    files: [],
  };
}
