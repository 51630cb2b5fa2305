// A deterministic stand-in for a bge embedding: a hashed TF-IDF vector. Words
// are Porter-stemmed (as D1's FTS5 stems them) and weighted by how rare they
// are in spoken English (term-weights.ts), so "aneurysm" outweighs "help";
// each content word also adds its character trigrams, for partial credit on
// morphology the stemmer misses and on codes ("ERR-4012" against "ERR4012").
// Features are hashed with a sign bit into `dimensions` buckets, sublinear tf,
// L2-normalised. It has no semantics (no synonyms, no paraphrases) but ranks
// like a classic TF-IDF retriever, which is what retrieval code, its tests and
// a local evaluation need from it.
import { stemWord, termWeight } from "./term-weights";
import { isStopword, words } from "./tokenize";

export type Pooling = "mean" | "cls";

export interface EmbeddingSpace {
  model: string;
  dimensions: number;
  pooling: Pooling;
}

// bge reads at most 512 tokens and silently ignores the rest.
export const MAX_TOKENS = 512;

// A word's trigrams together weigh half the word: partial credit, never a whole word's.
const TRIGRAM_SHARE = 0.5;
// Stopwords keep a trace so a text of only stopwords still has a direction.
const STOPWORD_WEIGHT = 0.05;

export function embed(text: string, space: EmbeddingSpace): number[] {
  const features = new Map<string, { weight: number; count: number }>();
  const add = (feature: string, weight: number) => {
    const seen = features.get(feature);
    if (seen) seen.count++;
    else features.set(feature, { weight, count: 1 });
  };
  for (const word of words(text).slice(0, MAX_TOKENS)) {
    const stem = stemWord(word);
    if (isStopword(word)) {
      add(`w:${stem}`, STOPWORD_WEIGHT);
      continue;
    }
    // The cosine multiplies a query's weight by a document's: the square root
    // on each side makes a shared word count by its IDF once, as in BM25.
    const weight = Math.sqrt(termWeight(stem));
    add(`w:${stem}`, weight);
    const padded = `#${stem}#`;
    const trigrams = padded.length - 2;
    // A one-character word's only trigram would repeat the word feature. The
    // share is spread so a long word's trigrams do not outweigh a short one's.
    for (let j = 0; stem.length > 1 && j < trigrams; j++) add(`c:${padded.slice(j, j + 3)}`, (TRIGRAM_SHARE * weight) / Math.sqrt(trigrams));
  }
  // Real models still return a vector for text with no words (just [CLS] [SEP]).
  if (features.size === 0) add("w:", 1);

  const vector = new Float64Array(space.dimensions);
  // Seeding by model and pooling puts mean and cls vectors in unrelated spaces,
  // as they are for the real model: mixing them in one index scores ~0.
  const seed = fnv1a(`${space.model}|${space.pooling}`);
  for (const [feature, { weight, count }] of features) {
    const h = fnv1a(feature, seed);
    const bucket = (h >>> 1) % space.dimensions;
    const sign = h & 1 ? -1 : 1;
    vector[bucket] = (vector[bucket] ?? 0) + sign * weight * (1 + Math.log(count));
  }
  return normalise(vector);
}

function normalise(vector: Float64Array): number[] {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  // Features can cancel out exactly only in pathological cases; keep unit length anyway.
  if (norm === 0) return Array.from(vector, (_, i) => (i === 0 ? 1 : 0));
  return Array.from(vector, (v) => Math.fround(v / norm));
}

/**
 * 32-bit FNV-1a over UTF-16 code units; `seed` replaces the offset basis. A
 * final avalanche spreads short features (trigrams) over the low bits used
 * for the sign and the bucket.
 */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
