import type { Dialogue } from "../../core/dialogue.js";
import type { SamplingParams } from "../../llm/chat-model.js";
import type { Language } from "../../core/language.js";
import { emptyUsage, type Usage } from "../../core/usage.js";
import { runWorkerPool } from "../../core/worker-pool.js";
import {
  loadTemplate,
  promptRef,
  renderTemplate,
  type PromptTemplate,
} from "../../prompts/template.js";
import type { PromptRef } from "../../core/dialogue.js";
import { callJudge, judgeWarnings, type JudgeContext, type JudgeRunOptions } from "./judge-call.js";
import { jsonValue } from "./json-answer.js";

/**
 * What a per-turn judge (Hill's stages, dialogue safety) needs: which turns of a session to
 * label, the template and its values, and a strict reader for one answer entry.
 */
export interface TurnLabelSpec<L> {
  /** Template name (`<name>.<zh|en>.txt`, overridable like every other). */
  template: string;
  /** Names the call kind in sample keys, so each evaluation has its own cache entries. */
  kind: string;
  /** Indices into `dialogue.turns` (0-based) the judge must label. */
  turns: (dialogue: Dialogue) => number[];
  /** The template's values for one session. */
  values: (dialogue: Dialogue, turns: readonly number[]) => Record<string, string>;
  /** Reads one entry of the answer (the fields besides `turn`); an error when anything is off. */
  parseEntry: (
    entry: Record<string, unknown>,
    role: Dialogue["turns"][number]["role"],
  ) => { label: L } | { error: string };
  /** Labels that agree across rounds have the same key. */
  key: (label: L) => string;
  jsonSchema: { name: string; schema: Record<string, unknown> };
}

/** One turn's label from every round, and the majority that stands for it. */
export interface JudgedTurn<L> {
  /** Index of the turn in the dialogue's `turns` (0-based). */
  turn: number;
  /** The label most rounds gave; null when no round gave a readable one or rounds tie. */
  label: L | null;
  /** Per round, the label read, or null when every attempt for it failed to parse. */
  rounds: (L | null)[];
  /** Why the turn has no label: the last parse error, or the tie between rounds. */
  error?: string;
}

/** A per-turn judge's defaults, for what the caller's options leave unset. */
export interface TurnLabelDefaults {
  rounds: number;
  maxAttempts: number;
  seed: number;
}

export interface TurnLabelRun<L> {
  sessions: JudgedTurn<L>[][];
  /** The settings every per-turn judge records, first in its result's `settings`. */
  settings: {
    judge: string;
    judge_baseline: false;
    rounds: number;
    max_attempts: number;
    seed: number;
    sampling: SamplingParams;
    prompts: Partial<Record<Language, PromptRef>>;
  };
  usage: Usage;
  warnings?: string[];
}

/** The turn numbers shown to the judge are 1-based, as a reader counts lines. */
export const shownTurn = (turn: number): number => turn + 1;

/** The spec's template in each language the dialogues use (user overrides applied). */
export function turnLabelTemplates<L>(
  spec: TurnLabelSpec<L>,
  dialogues: readonly Dialogue[],
  templates: JudgeRunOptions["templates"],
): Map<Language, PromptTemplate> {
  const out = new Map<Language, PromptTemplate>();
  for (const d of dialogues)
    if (!out.has(d.language))
      out.set(d.language, loadTemplate(spec.template, d.language, templates));
  return out;
}

/**
 * The prompt a session is asked with in every round and first attempt (re-asks send the same
 * text), or undefined when it has no turn to label and so costs no call. `--dry-run` counts
 * these very prompts, so its plan and the run cannot drift apart.
 */
export function turnLabelPrompt<L>(
  spec: TurnLabelSpec<L>,
  templates: ReadonlyMap<Language, PromptTemplate>,
  dialogue: Dialogue,
  turns: readonly number[] = spec.turns(dialogue),
): string | undefined {
  if (turns.length === 0) return undefined;
  return renderTemplate(templates.get(dialogue.language)!, spec.values(dialogue, turns));
}

/**
 * Labels the chosen turns of every session: one call per session and round, asking for
 * `{"labels": [{"turn": n, ...}]}`. Turns the answer leaves out or gets wrong are asked again
 * (new sample key) up to `maxAttempts`; each keeps the first readable label it got, and a turn
 * still without one is recorded as unparsed with the reason, never guessed.
 */
export async function labelTurns<L>(
  dialogues: readonly Dialogue[],
  spec: TurnLabelSpec<L>,
  runOptions: JudgeRunOptions,
  defaults: TurnLabelDefaults,
): Promise<TurnLabelRun<L>> {
  const options = {
    ...runOptions,
    rounds: runOptions.rounds ?? defaults.rounds,
    maxAttempts: runOptions.maxAttempts ?? defaults.maxAttempts,
    seed: runOptions.seed ?? defaults.seed,
  };
  const templates = turnLabelTemplates(spec, dialogues, options.templates);
  const context: JudgeContext = {
    model: options.judge,
    sampling: options.sampling ?? {},
    seed: options.seed,
    usage: emptyUsage(),
  };
  const wanted = dialogues.map((d) => spec.turns(d));
  const byRound: Map<number, { label: L } | { error: string }>[][] = dialogues.map(() => []);
  const total = dialogues.length * options.rounds;
  let done = 0;
  options.onProgress?.(0, total);
  // Every label is needed, so any failure ends the pass (no per-task handler).
  await runWorkerPool(total, { concurrency: options.concurrency ?? 8 }, async (index) => {
    const s = Math.floor(index / options.rounds);
    const round = (index % options.rounds) + 1;
    const dialogue = dialogues[s]!;
    const turns = wanted[s]!;
    const content = turnLabelPrompt(spec, templates, dialogue, turns);
    byRound[s]![round - 1] =
      content === undefined
        ? new Map()
        : await askSession(context, spec, dialogue, turns, content, round, {
            maxAttempts: options.maxAttempts,
          });
    options.onProgress?.(++done, total);
  });
  const sessions = dialogues.map((_, s) =>
    wanted[s]!.map((turn) =>
      judgedTurn(
        turn,
        byRound[s]!.map((r) => r.get(turn)!),
        spec.key,
      ),
    ),
  );
  return {
    sessions,
    settings: {
      judge: options.judge.id,
      judge_baseline: false,
      rounds: options.rounds,
      max_attempts: options.maxAttempts,
      seed: options.seed,
      sampling: options.sampling ?? {},
      prompts: Object.fromEntries([...templates].map(([lang, t]) => [lang, promptRef(t)])),
    },
    usage: context.usage,
    ...judgeWarnings(context),
  };
}

async function askSession<L>(
  context: JudgeContext,
  spec: TurnLabelSpec<L>,
  dialogue: Dialogue,
  turns: readonly number[],
  content: string,
  round: number,
  { maxAttempts }: { maxAttempts: number },
): Promise<Map<number, { label: L } | { error: string }>> {
  const result = new Map<number, { label: L } | { error: string }>(
    turns.map((t) => [t, { error: "not asked" }]),
  );
  const pending = () => turns.filter((t) => !("label" in result.get(t)!));
  for (let attempt = 1; attempt <= maxAttempts && pending().length > 0; attempt++) {
    const answer = await callJudge(context, {
      messages: [{ role: "user", content }],
      sampleKey: `${dialogue.id}/${spec.kind}/round-${round}/attempt-${attempt}`,
      jsonSchema: spec.jsonSchema,
    });
    const read = parseTurnLabels(answer, dialogue, pending(), spec.parseEntry);
    for (const [turn, parsed] of read) result.set(turn, parsed);
  }
  return result;
}

/**
 * Reads `{"labels": [...]}` strictly for the pending turns: an entry must name one of them by
 * its shown number; two different entries for one turn make it an error. A pending turn the
 * answer does not cover gets an error naming what was wrong with the answer.
 */
export function parseTurnLabels<L>(
  answer: string,
  dialogue: Dialogue,
  pending: readonly number[],
  parseEntry: TurnLabelSpec<L>["parseEntry"],
): Map<number, { label: L } | { error: string }> {
  const out = new Map<number, { label: L } | { error: string }>();
  const fail = (error: string) => {
    for (const t of pending) out.set(t, { error });
    return out;
  };
  const value = jsonValue(answer);
  if (value === undefined) return fail("no JSON in the answer");
  const list =
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)["labels"]
      : value;
  if (!Array.isArray(list)) return fail('expected {"labels": [...]}');
  const seen = new Map<number, string>();
  for (const entry of list) {
    if (typeof entry !== "object" || entry === null) continue;
    const shown = (entry as Record<string, unknown>)["turn"];
    const turn = typeof shown === "number" && Number.isInteger(shown) ? shown - 1 : NaN;
    if (!pending.includes(turn)) continue;
    const parsed = parseEntry(entry as Record<string, unknown>, dialogue.turns[turn]!.role);
    const text = JSON.stringify(entry);
    if (seen.has(turn) && seen.get(turn) !== text)
      out.set(turn, { error: `turn ${shown} labelled twice, differently` });
    else if (!seen.has(turn)) out.set(turn, parsed);
    seen.set(turn, text);
  }
  for (const t of pending)
    if (!out.has(t)) out.set(t, { error: `turn ${shownTurn(t)} missing from the answer` });
  return out;
}

function judgedTurn<L>(
  turn: number,
  perRound: readonly ({ label: L } | { error: string })[],
  key: (label: L) => string,
): JudgedTurn<L> {
  const rounds = perRound.map((r) => ("label" in r ? r.label : null));
  const counts = new Map<string, { label: L; n: number }>();
  for (const label of rounds)
    if (label !== null) {
      const k = key(label);
      const hit = counts.get(k);
      counts.set(k, { label: hit?.label ?? label, n: (hit?.n ?? 0) + 1 });
    }
  const ranked = [...counts.values()].sort((a, b) => b.n - a.n);
  if (ranked.length === 0) {
    const last = perRound.findLast((r) => "error" in r) as { error: string } | undefined;
    return { turn, label: null, rounds, error: last?.error ?? "no label" };
  }
  if (ranked.length > 1 && ranked[0]!.n === ranked[1]!.n)
    return {
      turn,
      label: null,
      rounds,
      error: `no majority across rounds: ${ranked
        .filter((r) => r.n === ranked[0]!.n)
        .map((r) => key(r.label))
        .join(" vs ")}`,
    };
  return { turn, label: ranked[0]!.label, rounds };
}
