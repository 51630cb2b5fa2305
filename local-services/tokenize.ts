// Word tokens for the local embedding: lower-cased, Unicode-aware (Arabic,
// Cyrillic, accented Latin words; each Han/Kana character on its own, since
// those scripts do not separate words with spaces), lightly stemmed so that
// "embeddings", "embedding" and "embedded" meet.

// Han, Hiragana and Katakana characters are tokens by themselves.
const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}`;
const TOKEN = new RegExp(String.raw`[${CJK}]|(?:(?![${CJK}])[\p{L}\p{M}\p{N}])+`, "gu");

/** Lower-cased, stemmed word tokens, in order. */
export function tokenize(text: string): string[] {
  return words(text).map(stem);
}

/** Lower-cased word tokens, in order, unstemmed. */
export function words(text: string): string[] {
  return Array.from(text.normalize("NFKC").toLowerCase().matchAll(TOKEN), (match) => match[0]);
}

/**
 * A light English stemmer: plural -s/-es/-ies, -ing, -ed, undoubling the
 * consonant those leave behind ("running" -> "run"). Other scripts, short
 * words and words with digits are left alone.
 */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  const singular = depluralise(word);
  for (const suffix of ["ing", "ed"]) {
    const base = singular.slice(0, -suffix.length);
    if (singular.endsWith(suffix) && base.length >= 3 && /[aeiouy]/.test(base)) return undouble(base);
  }
  return singular;
}

function depluralise(word: string): string {
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("s") && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

function undouble(base: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(base) && !/(ll|ss|zz)$/.test(base) ? base.slice(0, -1) : base;
}

// Function words every English text shares; left at full weight they would
// make unrelated passages look alike.
const STOPWORDS = new Set(
  "a an and are as at be but by do doe for from had has have how i if in into is it its my no not of on or our so that the their then there these they this to was we what when where which who why will with you your".split(" "),
);

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}
