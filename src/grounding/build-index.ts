import { createReadStream, renameSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { InputLineError, PsysimError } from "../core/errors.js";
import { ensureParentDir, readJsonl } from "../core/jsonl.js";
import type { Language } from "../core/language.js";
import { parseDialogue } from "../core/read-records.js";
import { PSYSIM_VERSION } from "../core/version.js";
import { TOKENIZERS, segmentWords } from "../core/word-segmenter.js";
import type { EmbeddingModel } from "../llm/chat-model.js";
import { exchangeText, exchangesOf, type GroundingExchange } from "./exchange.js";
import {
  GROUNDING_INDEX_FORMAT,
  GROUNDING_INDEX_VERSION,
  GROUNDING_SCHEMA,
} from "./index-format.js";
import { unitVector } from "./vector-search.js";

export interface BuildIndexOptions {
  /** The corpus: dialogues in psysim's format (JSONL), e.g. the output of `psysim import`. */
  corpus: string;
  out: string;
  /** Optional: also store each exchange's embedding, for retrieval fused with BM25. */
  embedding?: { model: EmbeddingModel; spec: string };
  /** Texts per embedding request; default 64. */
  batchSize?: number;
  onProgress?: (exchanges: number) => void;
}

export interface BuildIndexSummary {
  out: string;
  dialogues: number;
  exchanges: Record<Language, number>;
  /** True when any corpus dialogue came from psysim's baseline agents: a toy corpus, not real sessions. */
  baseline: boolean;
  embeddingModel?: string;
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Builds a grounding index from a corpus of counseling dialogues: every exchange (a client
 * utterance and the counselor's reply) is segmented and added to its language's BM25 table.
 * The index is written beside `out` and renamed into place when complete, so a reader never
 * sees half an index and a failed build leaves the previous one untouched.
 */
export async function buildGroundingIndex(options: BuildIndexOptions): Promise<BuildIndexSummary> {
  ensureParentDir(options.out);
  const partial = `${options.out}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(partial);
  try {
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    db.exec(GROUNDING_SCHEMA);
    const insertExchange = db.prepare(
      "INSERT INTO exchanges (id, dialogue_id, role_card_id, turn, language, client, counselor) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    // Postings grow in memory (a few tens of MB at 100,000 exchanges) and are written once at the end.
    const postings: Record<Language, Map<string, { docs: number[]; tfs: number[] }>> = {
      zh: new Map(),
      en: new Map(),
    };
    const lengths: number[] = [];
    const words: Record<Language, number> = { zh: 0, en: 0 };
    const insertVector = db.prepare("INSERT INTO vectors (rowid, vector) VALUES (?, ?)");
    const summary: BuildIndexSummary = {
      out: options.out,
      dialogues: 0,
      exchanges: { zh: 0, en: 0 },
      baseline: false,
      ...(options.embedding ? { embeddingModel: options.embedding.model.id } : {}),
    };
    const firstLine = new Map<string, number>();
    let pending: { rowid: number; text: string }[] = [];
    let dimension: number | undefined;
    const embedPending = async (): Promise<void> => {
      if (!options.embedding || pending.length === 0) return;
      const batch = pending;
      pending = [];
      const vectors = await options.embedding.model.embed(batch.map((p) => p.text));
      db.transaction(() => {
        batch.forEach((p, i) => {
          const vector = unitVector(vectors[i] ?? []);
          dimension ??= vector.length;
          if (vector.length !== dimension || dimension === 0)
            throw new PsysimError(
              "MODEL_CALL_FAILED",
              `${options.embedding!.model.id}: embedding of length ${vector.length}, expected ${dimension} (exchange ${p.rowid})`,
            );
          insertVector.run(
            p.rowid,
            Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
          );
        });
      })();
    };
    const add = db.transaction((exchanges: GroundingExchange[]) => {
      for (const e of exchanges) {
        const { lastInsertRowid } = insertExchange.run(
          e.id,
          e.dialogue_id,
          e.role_card_id ?? null,
          e.turn,
          e.language,
          e.client,
          e.counselor,
        );
        const rowid = Number(lastInsertRowid);
        const text = exchangeText(e);
        const counts = new Map<string, number>();
        const segmented = segmentWords(text, e.language);
        for (const word of segmented) counts.set(word, (counts.get(word) ?? 0) + 1);
        for (const [word, tf] of counts) {
          let list = postings[e.language].get(word);
          if (!list) postings[e.language].set(word, (list = { docs: [], tfs: [] }));
          list.docs.push(rowid);
          list.tfs.push(Math.min(tf, 0xffff));
        }
        lengths[rowid] = segmented.length;
        words[e.language] += segmented.length;
        if (options.embedding) pending.push({ rowid, text });
        summary.exchanges[e.language]++;
      }
    });
    for await (const { value, line } of readJsonl(options.corpus)) {
      const dialogue = parseDialogue(value, options.corpus, line);
      const seen = firstLine.get(dialogue.id);
      if (seen !== undefined)
        throw new InputLineError(
          options.corpus,
          line,
          "id",
          `duplicate dialogue id "${dialogue.id}" (first on line ${seen})`,
        );
      firstLine.set(dialogue.id, line);
      summary.dialogues++;
      if (dialogue.meta.baseline === true) summary.baseline = true;
      add(exchangesOf(dialogue));
      if (pending.length >= (options.batchSize ?? 64)) await embedPending();
      options.onProgress?.(summary.exchanges.zh + summary.exchanges.en);
    }
    await embedPending();
    if (summary.exchanges.zh + summary.exchanges.en === 0)
      throw new PsysimError(
        "INPUT_INVALID",
        `${options.corpus}: no exchange to index (a client utterance followed by a counselor reply)`,
      );
    const meta: Record<string, string> = {
      format: GROUNDING_INDEX_FORMAT,
      format_version: String(GROUNDING_INDEX_VERSION),
      psysim_version: PSYSIM_VERSION,
      built_at: new Date().toISOString(),
      source: options.corpus,
      source_sha256: await fileSha256(options.corpus),
      dialogues: String(summary.dialogues),
      exchanges_zh: String(summary.exchanges.zh),
      exchanges_en: String(summary.exchanges.en),
      baseline: String(summary.baseline),
      words_zh: String(words.zh),
      words_en: String(words.en),
      tokenizer_zh: TOKENIZERS.zh,
      tokenizer_en: TOKENIZERS.en,
      ...(options.embedding
        ? {
            embedding_model: options.embedding.model.id,
            embedding_spec: options.embedding.spec,
            embedding_dimension: String(dimension ?? 0),
          }
        : {}),
    };
    const insertMeta = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    db.transaction(() => {
      for (const [key, value] of Object.entries(meta)) insertMeta.run(key, value);
    })();
    const insertPosting = db.prepare(
      "INSERT INTO postings (language, term, df, docs, tfs) VALUES (?, ?, ?, ?, ?)",
    );
    db.transaction(() => {
      for (const language of ["zh", "en"] as const)
        for (const [term, list] of postings[language])
          insertPosting.run(
            language,
            term,
            list.docs.length,
            Buffer.from(Int32Array.from(list.docs).buffer),
            Buffer.from(Uint16Array.from(list.tfs).buffer),
          );
      db.prepare("INSERT INTO lengths (id, words) VALUES (1, ?)").run(
        Buffer.from(Uint32Array.from(lengths, (n) => n ?? 0).buffer),
      );
    })();
    db.exec("VACUUM");
    db.close();
    renameSync(partial, options.out);
    return summary;
  } catch (error) {
    if (db.open) db.close();
    rmSync(partial, { force: true });
    throw error;
  }
}
