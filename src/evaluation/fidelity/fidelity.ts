import type { Dialogue } from "../../core/dialogue.js";
import { PsysimError } from "../../core/errors.js";
import type { Language } from "../../core/language.js";
import type { RoleCard } from "../../core/role-card.js";
import type { EmbeddingModel } from "../../llm/chat-model.js";
import { compareGroups, type GroupComparison } from "../statistics/compare-groups.js";
import { T_TEST_NAMES, type TTestKind } from "../statistics/t-test.js";
import { semanticConsistency } from "./semantic-consistency.js";
import { randomCardMapping } from "./derangement.js";
import { CARD_TEXT_RULE, clientText, roleCardContent } from "../text/session-text.js";
import { TOKENIZERS, vocabulary } from "../../core/word-segmenter.js";
import { vocabularyOverlap } from "./vocabulary-overlap.js";

export interface StopWordList {
  /** Where the list came from (a file path), recorded in the output. */
  source: string;
  words: ReadonlySet<string>;
}

export interface FidelityOptions {
  /** Seeds the random-mapping derangement. */
  seed: number;
  /**
   * True vs random mapping: `paired` (default) — each session is measured twice, under its own
   * card and under another's, so the test is on the per-session differences; `welch` or
   * `student` treat the two mappings as independent groups.
   */
  test?: TTestKind;
  /** Eq. 2's embedding model; without one, only Eq. 1 is computed. */
  embedding?: EmbeddingModel;
  /** Texts per embedding request; default 32. */
  batchSize?: number;
  stopWords?: StopWordList;
  /**
   * Rate only the sessions at these positions (one shard of the file). The random mapping
   * still spans every session, so each rated session gets the card it gets in a run over the
   * whole file and the shards' values are the unsharded run's, session for session.
   */
  positions?: readonly number[];
  /** Names used in error messages, e.g. the input file paths. */
  sources?: { dialogues?: string; cards?: string };
  onProgress?: (done: number, total: number) => void;
}

/** One session under the true card and under the random-mapping control. */
export interface FidelitySession {
  dialogue_id: string;
  language: Language;
  card_id: string;
  random_card_id: string;
  client_words: number;
  card_words: number;
  random_card_words: number;
  /** Eq. 1 with the session's own card; null when the card has no words. */
  overlap: number | null;
  overlap_random: number | null;
  /** Eq. 2; null without an embedding model or when a text is empty. */
  cosine: number | null;
  cosine_random: number | null;
}

export interface FidelityAggregates {
  /** Group a = true mapping, group b = random mapping. */
  overlap: GroupComparison;
  cosine: GroupComparison | null;
}

export interface FidelityEvaluation {
  settings: Record<string, unknown>;
  sessions: FidelitySession[];
  aggregates: FidelityAggregates;
}

function cardsFor(
  dialogues: readonly Dialogue[],
  cards: readonly RoleCard[],
  sources: FidelityOptions["sources"],
): RoleCard[] {
  const byId = new Map(cards.map((c) => [c.id, c]));
  const missing = dialogues.filter(
    (d) => d.role_card_id === undefined || !byId.has(d.role_card_id),
  );
  if (missing.length > 0) {
    const first = missing[0]!;
    const what =
      first.role_card_id === undefined
        ? "names no role_card_id"
        : `names card "${first.role_card_id}"`;
    const more =
      missing.length > 1
        ? ` (and ${missing.length - 1} more session${missing.length > 2 ? "s" : ""})`
        : "";
    // Imported sessions were not simulated from a card file: the fix is to attach cards on import.
    const imported = first.meta["source"] !== undefined;
    const fix = imported
      ? first.role_card_id === undefined
        ? "these sessions were imported: attach their cards with `psysim import --card-id` or `--card-map` (docs/import.md)"
        : "check the --card-id template or --card-map used on import against the card ids (docs/import.md)"
      : "pass the card file the sessions were simulated from";
    throw new PsysimError(
      "INPUT_INVALID",
      `${sources?.dialogues ?? "dialogues"}: session "${first.id}" ${what}, which is not in ${sources?.cards ?? "the cards"}${more}; ${fix}`,
    );
  }
  return dialogues.map((d) => byId.get(d.role_card_id!)!);
}

/**
 * The random-mapping control deranges cards among sessions of the same language: a Chinese
 * session scored against an English card shares no words by construction, which would make
 * the control trivially low in a mixed dataset (the paper's data is all Chinese).
 */
function mappingWithinLanguage(
  dialogues: readonly Dialogue[],
  sessionCards: readonly RoleCard[],
  seed: number,
): number[] {
  const mapping = new Array<number>(dialogues.length);
  const groups = new Map<Language, number[]>();
  dialogues.forEach((d, i) => {
    const group = groups.get(d.language);
    if (group) group.push(i);
    else groups.set(d.language, [i]);
  });
  for (const [language, members] of groups) {
    if (members.length < 2)
      throw new PsysimError(
        "INPUT_INVALID",
        `only one ${language} session: the random-mapping control needs at least two sessions of each language to swap cards between`,
      );
    const local = randomCardMapping(
      members.map((i) => sessionCards[i]!.id),
      seed,
    );
    members.forEach((i, k) => (mapping[i] = members[local[k]!]!));
  }
  return mapping;
}

/** The sessions to rate (all, or a shard's), each with its own card, its random-mapping card and its client text. */
function ratedSessions(
  dialogues: readonly Dialogue[],
  cards: readonly RoleCard[],
  options: Pick<FidelityOptions, "seed" | "positions" | "sources">,
): { rated: readonly number[]; ownCards: RoleCard[]; otherCards: RoleCard[]; texts: string[] } {
  const sessionCards = cardsFor(dialogues, cards, options.sources);
  const mapping = mappingWithinLanguage(dialogues, sessionCards, options.seed);
  const rated = options.positions ?? dialogues.map((_, i) => i);
  return {
    rated,
    ownCards: rated.map((i) => sessionCards[i]!),
    otherCards: rated.map((i) => sessionCards[mapping[i]!]!),
    texts: rated.map((i) => clientText(dialogues[i]!)),
  };
}

/**
 * Client fidelity (paper §4.1): vocabulary overlap (Eq. 1) and semantic consistency
 * (Eq. 2) of each session's client turns with its own card, and with another session's
 * card under a seeded derangement (the random-mapping control).
 */
export async function evaluateFidelity(
  dialogues: readonly Dialogue[],
  cards: readonly RoleCard[],
  options: FidelityOptions,
): Promise<FidelityEvaluation> {
  const { rated, ownCards, otherCards, texts } = ratedSessions(dialogues, cards, options);
  const stop = options.stopWords?.words;

  const cardVocab = new Map<string, Set<string>>();
  const vocabOfCard = (card: RoleCard, language: Language): Set<string> => {
    const key = `${language}\u0000${card.id}`;
    let v = cardVocab.get(key);
    if (!v) cardVocab.set(key, (v = vocabulary(roleCardContent(card), language, stop)));
    return v;
  };

  const sessions: FidelitySession[] = rated.map((i, k) => {
    const d = dialogues[i]!;
    const own = ownCards[k]!;
    const other = otherCards[k]!;
    const words = vocabulary(texts[k]!, d.language, stop);
    const ownVocab = vocabOfCard(own, d.language);
    const otherVocab = vocabOfCard(other, d.language);
    return {
      dialogue_id: d.id,
      language: d.language,
      card_id: own.id,
      random_card_id: other.id,
      client_words: words.size,
      card_words: ownVocab.size,
      random_card_words: otherVocab.size,
      overlap: vocabularyOverlap(words, ownVocab),
      overlap_random: vocabularyOverlap(words, otherVocab),
      cosine: null,
      cosine_random: null,
    };
  });

  if (options.embedding) await addCosines(sessions, texts, [...ownCards, ...otherCards], options);

  const test = options.test ?? "paired";
  const settings: Record<string, unknown> = {
    seed: options.seed,
    random_mapping:
      "seeded derangement: every session paired with another session's card, never its own",
    tokenizer: TOKENIZERS,
    card_text: CARD_TEXT_RULE,
    session_text: "all client turns concatenated",
    stop_words: options.stopWords
      ? {
          source: options.stopWords.source,
          count: options.stopWords.words.size,
          words: [...options.stopWords.words].sort(),
        }
      : null,
    embedding: options.embedding
      ? {
          model: options.embedding.id,
          baseline: options.embedding.isBaseline === true,
          batch_size: options.batchSize ?? 32,
        }
      : null,
    sd: "sample standard deviation (n - 1)",
    test: `${T_TEST_NAMES[test]}, true vs random mapping`,
    effect_size: "Cohen's d with pooled sample sd, true minus random",
  };
  return {
    settings,
    sessions,
    aggregates: fidelityAggregates(sessions, test, options.embedding !== undefined),
  };
}

/**
 * True against random mapping over the given sessions (all of a file, or one `--by` group):
 * paired, a session counts only with both values; independent tests keep every value.
 */
export function fidelityAggregates(
  sessions: readonly FidelitySession[],
  test: TTestKind,
  withCosine: boolean,
): FidelityAggregates {
  const pairs = (
    a: (s: FidelitySession) => number | null,
    b: (s: FidelitySession) => number | null,
  ): GroupComparison => {
    const complete =
      test === "paired" ? sessions.filter((s) => a(s) !== null && b(s) !== null) : sessions;
    return compareGroups(
      complete.map(a).filter((x): x is number => x !== null),
      complete.map(b).filter((x): x is number => x !== null),
      test,
    );
  };
  return {
    overlap: pairs(
      (s) => s.overlap,
      (s) => s.overlap_random,
    ),
    cosine: withCosine
      ? pairs(
          (s) => s.cosine,
          (s) => s.cosine_random,
        )
      : null,
  };
}

/** Each distinct card once, then each non-empty client text: empty texts have no embedding to compare. */
function embeddingJobs(
  texts: readonly string[],
  cards: readonly RoleCard[],
): { key: string; text: string }[] {
  const byId = new Map<string, RoleCard>();
  for (const card of cards) if (!byId.has(card.id)) byId.set(card.id, card);
  const jobs: { key: string; text: string }[] = [...byId.values()].map((card) => ({
    key: `card:${card.id}`,
    text: roleCardContent(card),
  }));
  texts.forEach((text, i) => {
    if (text.trim() !== "") jobs.push({ key: `session:${i}`, text });
  });
  return jobs;
}

/**
 * The texts Eq. 2 embeds, in the order they are sent (for `--dry-run`). With `shard`, one
 * shard's: its sessions, their cards and the cards the random mapping gives them.
 */
export function fidelityEmbeddingTexts(
  dialogues: readonly Dialogue[],
  cards: readonly RoleCard[],
  sources?: FidelityOptions["sources"],
  shard?: { positions: readonly number[]; seed: number },
): string[] {
  if (shard === undefined)
    return embeddingJobs(dialogues.map(clientText), cardsFor(dialogues, cards, sources)).map(
      (j) => j.text,
    );
  const { ownCards, otherCards, texts } = ratedSessions(dialogues, cards, { ...shard, sources });
  return embeddingJobs(texts, [...ownCards, ...otherCards]).map((j) => j.text);
}

async function addCosines(
  sessions: FidelitySession[],
  texts: string[],
  cards: RoleCard[],
  options: FidelityOptions,
): Promise<void> {
  const model = options.embedding!;
  const batchSize = options.batchSize ?? 32;
  const jobs = embeddingJobs(texts, cards);
  const vectors = new Map<string, number[]>();
  for (let start = 0; start < jobs.length; start += batchSize) {
    const batch = jobs.slice(start, start + batchSize);
    const out = await model.embed(batch.map((j) => j.text));
    if (out.length !== batch.length) {
      throw new PsysimError(
        "MODEL_CALL_FAILED",
        `embedding model ${model.id} returned ${out.length} vectors for ${batch.length} texts`,
      );
    }
    batch.forEach((j, k) => vectors.set(j.key, out[k]!));
    options.onProgress?.(Math.min(start + batchSize, jobs.length), jobs.length);
  }
  sessions.forEach((s, i) => {
    const e = vectors.get(`session:${i}`);
    if (!e) return;
    s.cosine = semanticConsistency(vectors.get(`card:${s.card_id}`)!, e);
    s.cosine_random = semanticConsistency(vectors.get(`card:${s.random_card_id}`)!, e);
  });
}
