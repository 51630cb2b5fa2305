// A conservative count of the WordPiece tokens bge-base-en-v1.5 (uncased BERT
// vocabulary) makes of a text, without shipping its 30k-entry vocabulary.
// What the real tokenizer does, and what we count for it:
// - drops control/format characters and, after NFD, combining marks: 0;
// - splits on whitespace and makes every punctuation mark a token: symbols,
//   punctuation and emoji count 1 each;
// - makes every CJK ideograph its own word: 1 each (kana and letters of
//   non-Latin scripts are split into single characters at worst: 1 each);
// - NFD-decomposes Hangul syllables into 2-3 jamo (google-research/bert#135): 3;
// - cuts a Latin word into the longest vocabulary pieces: common words are one
//   piece, rare ones about one per 3-4 letters, random strings (hashes, base64)
//   nearly one per character. See Run for how a run of letters and digits is priced.
// Sums are additive across whitespace, which lets the chunker add up the parts.

const SPACE = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const IGNORED = 4;
const SINGLE = 5;
const HANGUL = 6;
const HIGH_SURROGATE = 7;

let table: Uint8Array | undefined;

/** Token class of every UTF-16 code unit, built once per isolate (a few ms). */
function classTable(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(0x10000).fill(SINGLE);
  const space = /\s/;
  const ignored = /[\p{Mn}\p{Me}\p{Cf}\p{Cc}]/u;
  const letter = /\p{L}/u;
  const latin = /\p{Script=Latin}/u;
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    if (c >= 0x30 && c <= 0x39) t[c] = DIGIT;
    else if (c >= 0xac00 && c <= 0xd7a3) t[c] = HANGUL;
    else if (c >= 0xd800 && c <= 0xdbff) t[c] = HIGH_SURROGATE;
    else if (c >= 0xdc00 && c <= 0xdfff) t[c] = SINGLE;
    else if (space.test(ch)) t[c] = SPACE;
    else if (ignored.test(ch)) t[c] = IGNORED;
    else if (letter.test(ch) && latin.test(ch)) t[c] = ch.toLowerCase() === ch ? LOWER : UPPER;
  }
  table = t;
  return t;
}

/** Conservative estimate of bge-base-en-v1.5 tokens in `text`, without [CLS]/[SEP]. */
export function estimateTokens(text: string): number {
  const t = classTable();
  const run = new Run();
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const k = t[text.charCodeAt(i)] ?? SINGLE;
    if (k === LOWER || k === UPPER) run.letter(k, t[text.charCodeAt(i + 1)] === LOWER);
    else if (k === DIGIT) run.digit();
    else if (k === IGNORED) continue;
    else {
      total += run.close();
      if (k === HANGUL) total += 3;
      else if (k !== SPACE) total += 1;
      // An astral character (emoji, rare CJK) is one token for both of its code units.
      if (k === HIGH_SURROGATE && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    }
  }
  return total + run.close();
}

const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * A run of Latin letters and ASCII digits, priced by its segments: digit
 * groups and letter "humps" (camelCase and XMLHttp boundaries). The first
 * segment is a word start; later ones are `##` continuation pieces, which the
 * vocabulary covers worse. Many short segments mean a random string, priced
 * at 0.8 tokens per character.
 */
class Run {
  private length = 0;
  private segments = 0;
  private cost = 0;
  private kind: 0 | typeof LOWER | typeof DIGIT = 0;
  private segmentLength = 0;
  private afterDigits = false;
  private previous = 0;

  letter(k: number, nextIsLower: boolean): void {
    const hump = k === UPPER && (this.previous === LOWER || (this.previous === UPPER && nextIsLower));
    if (this.kind !== LOWER || hump) this.open(LOWER);
    this.previous = k;
    this.segmentLength++;
    this.length++;
  }

  digit(): void {
    if (this.kind !== DIGIT) this.open(DIGIT);
    this.previous = DIGIT;
    this.segmentLength++;
    this.length++;
  }

  /** Ends the run; returns its cost and resets. */
  close(): number {
    if (this.length === 0) return 0;
    this.closeSegment();
    let cost = this.cost;
    if (this.segments >= 6 && this.segments * 3 > this.length) cost = Math.max(cost, Math.ceil(this.length * 0.8));
    this.length = 0;
    this.segments = 0;
    this.cost = 0;
    this.kind = 0;
    this.previous = 0;
    this.afterDigits = false;
    return cost;
  }

  private open(kind: typeof LOWER | typeof DIGIT): void {
    this.closeSegment();
    this.kind = kind;
  }

  private closeSegment(): void {
    if (this.segmentLength === 0) return;
    const n = this.segmentLength;
    const first = this.segments === 0;
    if (this.kind === DIGIT) this.cost += first && n <= 3 ? 1 : Math.ceil(n / 2);
    else if (first) this.cost += Math.ceil(n / (n <= 20 ? 4 : 3));
    else this.cost += Math.ceil(n / (this.afterDigits ? 2 : 3));
    this.afterDigits = this.kind === DIGIT;
    this.segments++;
    this.segmentLength = 0;
  }
}
