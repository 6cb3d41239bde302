import { detectLanguage, type Language } from "../../core/language.js";
import type { EmbeddingModel } from "../../llm/chat-model.js";
import { segmentWords } from "../../core/word-segmenter.js";

export const LEXICAL_BASELINE_ID = "lexical-baseline";

/** FNV-1a, 32-bit: a fast, stable string hash for feature hashing. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * psysim's offline **baseline** embedding: a hashed bag of words (the same segmentation
 * as Eq. 1, weights 1 + ln(tf), a hash-chosen sign per word to keep collisions unbiased),
 * L2-normalised. It measures word overlap, not meaning; it exists so the pipeline runs
 * without an embedding server and is always labelled `lexical-baseline`, never bge-m3.
 */
export class LexicalEmbeddingModel implements EmbeddingModel {
  readonly id = LEXICAL_BASELINE_ID;
  readonly isBaseline = true;
  readonly dimension: number;
  private readonly language?: Language;

  /** `language` fixes the segmentation; without it each text's language is detected from its script. */
  constructor(options: { dimension?: number; language?: Language } = {}) {
    this.dimension = options.dimension ?? 1024;
    if (options.language !== undefined) this.language = options.language;
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): number[] {
    const tf = new Map<string, number>();
    for (const w of segmentWords(text, this.language ?? detectLanguage(text)))
      tf.set(w, (tf.get(w) ?? 0) + 1);
    const v = new Array<number>(this.dimension).fill(0);
    for (const [word, count] of tf) {
      const h = fnv1a(word);
      v[h % this.dimension]! += (h & 0x80000000 ? -1 : 1) * (1 + Math.log(count));
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    if (norm === 0) return v;
    const scale = 1 / Math.sqrt(norm);
    return v.map((x) => x * scale);
  }
}
