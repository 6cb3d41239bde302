/** What the `meta` table's `format` says, so psysim never mistakes another SQLite file for an index. */
export const GROUNDING_INDEX_FORMAT = "psysim-grounding-index";
/** Bumped when the tables change; an index of another version is rebuilt, never migrated (it is cheap). */
export const GROUNDING_INDEX_VERSION = 1;

/**
 * The tables. `postings` is an inverted index per language: for each word, the exchanges
 * (rowids, ascending, as 32-bit integers) and how often the word occurs in each (16-bit), so
 * a query reads every query word's
 * document frequency (df) and then the lists of the words it keeps. `lengths` holds every exchange's length in words,
 * indexed by rowid, in one blob. Words are psysim's segmentation (jieba for zh, Unicode
 * words for en; core/word-segmenter.ts), the same the metrics use.
 */
export const GROUNDING_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE exchanges (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  dialogue_id TEXT NOT NULL,
  role_card_id TEXT,
  turn INTEGER NOT NULL,
  language TEXT NOT NULL,
  client TEXT NOT NULL,
  counselor TEXT NOT NULL
);
CREATE INDEX exchanges_dialogue ON exchanges (dialogue_id);
CREATE INDEX exchanges_card ON exchanges (role_card_id);
CREATE TABLE postings (
  language TEXT NOT NULL,
  term TEXT NOT NULL,
  df INTEGER NOT NULL,
  docs BLOB NOT NULL,
  tfs BLOB NOT NULL,
  PRIMARY KEY (language, term)
) WITHOUT ROWID;
CREATE TABLE lengths (id INTEGER PRIMARY KEY, words BLOB NOT NULL);
CREATE TABLE vectors (rowid INTEGER PRIMARY KEY, vector BLOB NOT NULL);
`;
