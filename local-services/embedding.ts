// A deterministic stand-in for a bge embedding: feature hashing of the text's
// words, word bigrams and character trigrams into `dimensions` buckets, with a
// sign bit per feature, sublinear tf, L2-normalised. It has no semantics, but
// texts that share words score a higher cosine than texts that do not, which
// is what retrieval code and its tests need from it.
import { isStopword, tokenize } from "./tokenize";

export type Pooling = "mean" | "cls";

export interface EmbeddingSpace {
  model: string;
  dimensions: number;
  pooling: Pooling;
}

// bge reads at most 512 tokens and silently ignores the rest.
export const MAX_TOKENS = 512;

// Whole words carry the signal; bigrams reward shared phrases; trigrams give
// partial credit for spelling variants the stemmer misses.
const WORD_WEIGHT = 1;
const STOPWORD_WEIGHT = 0.2;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.2;

export function embed(text: string, space: EmbeddingSpace): number[] {
  const tokens = tokenize(text).slice(0, MAX_TOKENS);
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  tokens.forEach((token, i) => {
    add(`w:${token}`);
    const next = tokens[i + 1];
    if (next !== undefined) add(`b:${token} ${next}`);
    const padded = `#${token}#`;
    // A one-character token's only trigram would repeat the word feature.
    for (let j = 0; token.length > 1 && j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`);
  });
  // Real models still return a vector for text with no words (just [CLS] [SEP]).
  if (counts.size === 0) add("w:");

  const vector = new Float64Array(space.dimensions);
  // Seeding by model and pooling puts mean and cls vectors in unrelated spaces,
  // as they are for the real model: mixing them in one index scores ~0.
  const seed = fnv1a(`${space.model}|${space.pooling}`);
  for (const [feature, count] of counts) {
    const h = fnv1a(feature, seed);
    const bucket = (h >>> 1) % space.dimensions;
    const sign = h & 1 ? -1 : 1;
    vector[bucket] = (vector[bucket] ?? 0) + sign * weightOf(feature) * (1 + Math.log(count));
  }
  return normalise(vector);
}

function weightOf(feature: string): number {
  if (feature.startsWith("w:")) return isStopword(feature.slice(2)) ? STOPWORD_WEIGHT : WORD_WEIGHT;
  return feature.startsWith("b:") ? BIGRAM_WEIGHT : TRIGRAM_WEIGHT;
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
