import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
import { segmentWords } from "../core/word-segmenter.js";
import type { GroundingExchange } from "./exchange.js";
import { BM25, bm25Idf, bm25LengthNorm } from "./bm25.js";
import { GROUNDING_INDEX_FORMAT, GROUNDING_INDEX_VERSION } from "./index-format.js";
import {
  nearestRows,
  reciprocalRankFusion,
  unitVector,
  type VectorMatrix,
} from "./vector-search.js";

/**
 * Query words at most: the rarest are kept. A help-seeking post can run to hundreds of
 * words; the common ones add least to BM25 and cost the longest posting lists.
 */
export const MAX_QUERY_TERMS = 32;
/**
 * Posting-list entries a query may read, in total: the rarest words are taken until the
 * next would pass it (the rarest word always counts). It bounds a retrieval's cost on any
 * corpus; the words left out are the most frequent ones, whose IDF is lowest. On a corpus
 * small enough that no query reaches it, the ranking is exact BM25.
 */
export const MAX_QUERY_POSTINGS = 20_000;
/** Candidates each ranking contributes to reciprocal rank fusion. */
export const FUSION_DEPTH = 50;
/** Decoded posting lists kept in memory (least recently used dropped first). */
const POSTING_CACHE = 20_000;

export interface GroundingQuery {
  text: string;
  language: Language;
  k: number;
  /** Leave out exchanges of this dialogue or role card (a corpus built from the same sessions). */
  exclude?: string;
  /** The query's embedding, when the index holds vectors: fused with BM25 by reciprocal rank. */
  vector?: readonly number[];
}

export interface GroundingHit extends GroundingExchange {
  /** The BM25 score (higher is better), absent for an exchange only the vector ranking found. */
  bm25?: number;
}

/** The index's build record (its `meta` table). */
export type GroundingIndexInfo = Record<string, string>;

function notAnIndex(file: string, why: string): PsysimError {
  return new PsysimError(
    "INPUT_INVALID",
    `${file}: not a psysim grounding index (${why}); build one with psysim index build <corpus.jsonl> --out ${file}`,
  );
}

/** A copy of a blob as a typed array (SQLite's buffers need not be aligned for a view). */
function copyOf<T>(blob: Buffer, make: (buffer: ArrayBuffer) => T): T {
  return make(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength) as ArrayBuffer);
}

interface Postings {
  docs: Int32Array;
  tfs: Uint16Array;
}

interface ExchangeRow {
  rowid: number;
  id: string;
  dialogue_id: string;
  role_card_id: string | null;
  turn: number;
  language: Language;
  client: string;
  counselor: string;
}

/**
 * A grounding index opened read-only. One instance serves every concurrent session of a run
 * (queries are synchronous and take about a millisecond), and several processes (shards) may
 * open the same file at once: nothing ever writes to it after the build.
 */
export class GroundingIndex {
  readonly file: string;
  readonly info: GroundingIndexInfo;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly vectors = new Map<Language, VectorMatrix>();
  private readonly documents: Record<Language, number>;
  private readonly averageLength: Record<Language, number>;
  private readonly lengths: Uint32Array;
  private readonly norms = new Map<Language, Float64Array>();
  private readonly postingCache = new Map<string, Postings>();
  private readonly documentFrequencies = new Map<Language, Map<string, number>>();
  /** Score accumulator by rowid, reused by every query (queries are synchronous, so never shared at once). */
  private readonly scores: Float64Array;

  private constructor(file: string, db: Database.Database, info: GroundingIndexInfo) {
    this.file = file;
    this.db = db;
    this.info = info;
    this.documents = { zh: Number(info.exchanges_zh ?? 0), en: Number(info.exchanges_en ?? 0) };
    const average = (language: Language) =>
      this.documents[language] === 0
        ? 1
        : Number(info[`words_${language}`] ?? 0) / this.documents[language];
    this.averageLength = { zh: average("zh"), en: average("en") };
    const row = db.prepare("SELECT words FROM lengths WHERE id = 1").get() as
      { words: Buffer } | undefined;
    if (!row) throw notAnIndex(file, "no exchange lengths");
    this.lengths = copyOf(row.words, (b) => new Uint32Array(b));
    this.scores = new Float64Array(this.lengths.length);
  }

  /** Opens and checks an index; anything else (missing, not SQLite, another format or version) is one clear error. */
  static open(file: string): GroundingIndex {
    if (!existsSync(file))
      throw new PsysimError(
        "NOT_FOUND",
        `${file}: no such grounding index; build one with psysim index build <corpus.jsonl> --out ${file}`,
      );
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      const rows = db.prepare("SELECT key, value FROM meta").all() as {
        key: string;
        value: string;
      }[];
      const info = Object.fromEntries(rows.map((r) => [r.key, r.value]));
      if (info.format !== GROUNDING_INDEX_FORMAT) throw notAnIndex(file, "no psysim format record");
      if (info.format_version !== String(GROUNDING_INDEX_VERSION))
        throw notAnIndex(
          file,
          `format version ${info.format_version}, this psysim reads ${GROUNDING_INDEX_VERSION}; rebuild it`,
        );
      return new GroundingIndex(file, db, info);
    } catch (error) {
      db?.close();
      if (error instanceof PsysimError) throw error;
      throw notAnIndex(file, error instanceof Error ? error.message : String(error));
    }
  }

  /** Whether exchanges were embedded at build time (then `vector` queries are fused). */
  get embeddingModel(): string | undefined {
    return this.info.embedding_model;
  }

  close(): void {
    this.db.close();
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** k1 (1 − b + b · len / avglen) for every exchange, computed once per language. */
  private lengthNorms(language: Language): Float64Array {
    let norms = this.norms.get(language);
    if (!norms) {
      const average = this.averageLength[language];
      norms = Float64Array.from(this.lengths, (length) => bm25LengthNorm(length, average));
      this.norms.set(language, norms);
    }
    return norms;
  }

  /**
   * Every word's document frequency, read once per language (a few hundred thousand words
   * load in well under a second): looking each query word up in SQLite cost more than the
   * scoring itself.
   */
  private frequencies(language: Language): Map<string, number> {
    let map = this.documentFrequencies.get(language);
    if (!map) {
      map = new Map();
      for (const row of this.statement("SELECT term, df FROM postings WHERE language = ?").iterate(
        language,
      ) as Iterable<{ term: string; df: number }>)
        map.set(row.term, row.df);
      this.documentFrequencies.set(language, map);
    }
    return map;
  }

  /** Whether every exchange holding the word is in `rows`. */
  private postingsWithin(language: Language, word: string, rows: ReadonlySet<number>): boolean {
    const { docs } = this.postings(language, word);
    for (let i = 0; i < docs.length; i++) if (!rows.has(docs[i]!)) return false;
    return true;
  }

  /** A word's posting list, from the cache or the file; read only for words a query keeps. */
  private postings(language: Language, word: string): Postings {
    const key = `${language}\u0000${word}`;
    let list = this.postingCache.get(key);
    if (list !== undefined) {
      // Re-inserting marks it recently used: Map keeps insertion order.
      this.postingCache.delete(key);
      this.postingCache.set(key, list);
      return list;
    }
    const row = this.statement(
      "SELECT docs, tfs FROM postings WHERE language = ? AND term = ?",
    ).get(language, word) as { docs: Buffer; tfs: Buffer };
    list = {
      docs: copyOf(row.docs, (b) => new Int32Array(b)),
      tfs: copyOf(row.tfs, (b) => new Uint16Array(b)),
    };
    this.postingCache.set(key, list);
    if (this.postingCache.size > POSTING_CACHE)
      this.postingCache.delete(this.postingCache.keys().next().value!);
    return list;
  }

  /**
   * The query's distinct words that occur in the index, rarest first, within MAX_QUERY_TERMS
   * and MAX_QUERY_POSTINGS, with their document frequencies. A word's count in the query is not used
   * (each counts once).
   */
  queryWords(
    text: string,
    language: Language,
    skip?: ReadonlySet<number>,
  ): { word: string; df: number }[] {
    const frequencies = this.frequencies(language);
    const found: { word: string; df: number }[] = [];
    for (const word of new Set(segmentWords(text, language))) {
      const df = frequencies.get(word);
      if (df !== undefined) found.push({ word, df });
    }
    found.sort((a, b) => a.df - b.df || (a.word < b.word ? -1 : 1));
    const out: typeof found = [];
    let read = 0;
    for (const w of found) {
      if (out.length === MAX_QUERY_TERMS) break;
      // A word found only in left-out exchanges (the session's own card) cannot match: it
      // must not take a rare word's place.
      if (skip && w.df <= skip.size && this.postingsWithin(language, w.word, skip)) continue;
      if (out.length > 0 && read + w.df > MAX_QUERY_POSTINGS) break;
      out.push(w);
      read += w.df;
    }
    return out;
  }

  /**
   * BM25 ranking by term-at-a-time accumulation: rowids and scores, best first, ties by
   * rowid. Its cost is the total length of the query words' posting lists.
   */
  private bm25(query: GroundingQuery, n: number): { rowid: number; score: number }[] {
    const { language } = query;
    const total = this.documents[language];
    const norms = this.lengthNorms(language);
    const skip = this.excludedRows(query.exclude);
    const scores = this.scores;
    const touched: number[] = [];
    for (const { word, df } of this.queryWords(query.text, language, skip)) {
      // bm25Term with the per-exchange part precomputed: the loop runs once per posting.
      const weight = bm25Idf(total, df) * (BM25.k1 + 1);
      const { docs, tfs } = this.postings(language, word);
      for (let i = 0; i < docs.length; i++) {
        const rowid = docs[i]!;
        const tf = tfs[i]!;
        if (scores[rowid] === 0) touched.push(rowid);
        scores[rowid]! += (weight * tf) / (tf + norms[rowid]!);
      }
    }
    const best: { rowid: number; score: number }[] = [];
    for (const rowid of touched) {
      const score = scores[rowid]!;
      scores[rowid] = 0;
      if (skip?.has(rowid)) continue;
      if (best.length === n && !better(score, rowid, best[n - 1]!)) continue;
      let at = best.length;
      while (at > 0 && better(score, rowid, best[at - 1]!)) at--;
      best.splice(at, 0, { rowid, score });
      if (best.length > n) best.pop();
    }
    return best;
  }

  private matrix(language: Language): VectorMatrix {
    let m = this.vectors.get(language);
    if (m) return m;
    const rows = this.statement(
      "SELECT v.rowid AS rowid, v.vector AS vector FROM vectors v JOIN exchanges e ON e.rowid = v.rowid WHERE e.language = ? ORDER BY v.rowid",
    ).all(language) as { rowid: number; vector: Buffer }[];
    const dimension = Number(this.info.embedding_dimension ?? 0);
    const data = new Float32Array(rows.length * dimension);
    rows.forEach((r, i) =>
      data.set(
        copyOf(r.vector, (b) => new Float32Array(b)),
        i * dimension,
      ),
    );
    m = { rowids: rows.map((r) => r.rowid), data, dimension };
    this.vectors.set(language, m);
    return m;
  }

  private excludedRows(exclude: string | undefined): Set<number> | undefined {
    if (exclude === undefined) return undefined;
    const rows = this.statement(
      "SELECT rowid FROM exchanges WHERE dialogue_id = ? OR role_card_id = ?",
    ).all(exclude, exclude) as { rowid: number }[];
    return new Set(rows.map((r) => r.rowid));
  }

  /** The k exchanges most similar to the query: BM25, fused with cosine by reciprocal rank when a vector is given. */
  search(query: GroundingQuery): GroundingHit[] {
    if (query.k <= 0) return [];
    let ranked: number[];
    const scores = new Map<number, number>();
    if (query.vector && this.embeddingModel) {
      const lexical = this.bm25(query, FUSION_DEPTH);
      for (const r of lexical) scores.set(r.rowid, r.score);
      const semantic = nearestRows(
        this.matrix(query.language),
        unitVector(query.vector),
        FUSION_DEPTH,
        this.excludedRows(query.exclude),
      );
      ranked = reciprocalRankFusion([lexical.map((r) => r.rowid), semantic]).slice(0, query.k);
    } else {
      const lexical = this.bm25(query, query.k);
      for (const r of lexical) scores.set(r.rowid, r.score);
      ranked = lexical.map((r) => r.rowid);
    }
    if (ranked.length === 0) return [];
    const rows = this.statement(
      "SELECT rowid, id, dialogue_id, role_card_id, turn, language, client, counselor FROM exchanges WHERE rowid IN (SELECT value FROM json_each(?))",
    ).all(JSON.stringify(ranked)) as ExchangeRow[];
    const byRow = new Map(rows.map((r) => [r.rowid, r]));
    return ranked.map((rowid) => {
      const { rowid: _, role_card_id, ...row } = byRow.get(rowid)!;
      const score = scores.get(rowid);
      return {
        ...row,
        ...(role_card_id === null ? {} : { role_card_id }),
        ...(score === undefined ? {} : { bm25: score }),
      };
    });
  }
}

/** Higher score first; equal scores by rowid, so rankings are reproducible. */
function better(score: number, rowid: number, than: { rowid: number; score: number }): boolean {
  return score > than.score || (score === than.score && rowid < than.rowid);
}
