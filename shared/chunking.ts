// Splits a document into chunks that each fit one bge-base-en-v1.5 input
// (512 tokens with [CLS] and [SEP]). Offsets point into joinPages(pages).text,
// the normalised text that FTS5 indexes and that citations quote.
import { Boundary, type Unit, unitSteps } from "./chunk-units";
import { runSteps, runStepsCooperatively, SliceBudget, type Steps, unlimited } from "./cooperative";
import { joinPageSteps, type PageText, pageAt } from "./text";
import { estimateTokens } from "./token-estimate";

export type { PageText } from "./text";
export { estimateTokens } from "./token-estimate";

export interface Chunk {
  index: number;
  /** joinPages(pages).text.slice(charStart, charEnd) */
  text: string;
  charStart: number;
  charEnd: number;
  /** First and last page the text touches; equal unless the chunk spans a page break. */
  pageStart: number;
  pageEnd: number;
  /** estimateTokens(text) */
  tokens: number;
}

export interface ChunkingOptions {
  /** Upper bound on estimateTokens(chunk.text). */
  maxTokens: number;
  /** Up to this many tokens of the previous chunk's last sentences open the next chunk. */
  overlapTokens: number;
}

// 400 leaves 110 of the model's 512 tokens for [CLS], [SEP] and estimation error.
export const DEFAULT_CHUNKING: Readonly<ChunkingOptions> = Object.freeze({ maxTokens: 400, overlapTokens: 60 });

// A cut at a paragraph or heading beats a later one inside a paragraph as long
// as it leaves the chunk at least this full.
const PREFERRED_FILL = 0.5;
// A heading whose section will not fit starts a new chunk only once the current
// one holds this much new text: a tiny chunk is worse than a section that
// starts mid-chunk.
const HEADING_MIN_FILL = 0.25;

/**
 * Packs sentences greedily into chunks of at most `maxTokens`. A chunk ends at
 * a heading when the heading's section would not fit in it, and otherwise
 * preferably at a paragraph, then a sentence, line or word boundary. Every
 * chunk but one that starts at a heading repeats the previous chunk's last
 * sentences (up to `overlapTokens`). Deterministic; linear in the text length.
 */
export function chunkDocument(pages: readonly PageText[], options?: Partial<ChunkingOptions>): Chunk[] {
  return runSteps(chunkSteps(pages, resolve(options), unlimited()));
}

// About 5-20 ms of chunking on one core: short enough that a request waiting
// for the thread is served promptly, long enough that pausing costs nothing.
export const DEFAULT_SLICE_CHARS = 64_000;

export interface CooperativeChunking extends Partial<ChunkingOptions> {
  /** Awaited between slices of the work: whatever lets the runtime serve other requests. */
  pause: () => Promise<void>;
  /** Characters of text one slice works through, per stage (joining pages, splitting units, packing chunks). */
  sliceChars?: number;
}

/**
 * Exactly chunkDocument(pages, options), done in slices of about `sliceChars`
 * characters with `await pause()` between them, so that a large document never
 * holds the thread for long.
 */
export async function chunkDocumentCooperatively(pages: readonly PageText[], options: CooperativeChunking): Promise<Chunk[]> {
  const budget = new SliceBudget(options.sliceChars ?? DEFAULT_SLICE_CHARS);
  return runStepsCooperatively(chunkSteps(pages, resolve(options), budget), options.pause);
}

function* chunkSteps(pages: readonly PageText[], options: ChunkingOptions, budget: SliceBudget): Steps<Chunk[]> {
  const { maxTokens, overlapTokens } = options;
  const joined = yield* joinPageSteps(pages, budget);
  const units = yield* unitSteps(joined.text, maxTokens, budget);
  const packer = new Packer(joined.text, units, maxTokens);
  const chunks: Chunk[] = [];
  let start = 0;
  let next = 0;
  while (next < units.length) {
    const range = packer.pack(start, next);
    chunks.push({
      index: chunks.length,
      text: range.text,
      charStart: range.charStart,
      charEnd: range.charEnd,
      pageStart: pageAt(joined, range.charStart),
      pageEnd: pageAt(joined, range.charEnd - 1),
      tokens: range.tokens,
    });
    next = range.end;
    const following = units[next];
    start = following === undefined || following.before === Boundary.HEADING ? next : packer.overlapStart(range, overlapTokens);
    if (budget.spend(range.text.length)) yield;
  }
  return chunks;
}

function resolve(options: Partial<ChunkingOptions> | undefined): ChunkingOptions {
  const maxTokens = options?.maxTokens ?? DEFAULT_CHUNKING.maxTokens;
  const overlapTokens = options?.overlapTokens ?? DEFAULT_CHUNKING.overlapTokens;
  // A single Hangul syllable is 3 tokens: windows need room for at least one character.
  if (!Number.isInteger(maxTokens) || maxTokens < 8) throw new RangeError(`maxTokens must be an integer >= 8, got ${maxTokens}`);
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens * 2 > maxTokens) {
    throw new RangeError(`overlapTokens must be an integer between 0 and maxTokens / 2, got ${overlapTokens}`);
  }
  return { maxTokens, overlapTokens };
}

function unitAt(units: readonly Unit[], i: number): Unit {
  const unit = units[i];
  if (unit === undefined) throw new Error(`chunking bug: no unit ${i} of ${units.length}`);
  return unit;
}

interface Range {
  /** First unit, overlap included. */
  start: number;
  /** One past the last unit. */
  end: number;
  text: string;
  charStart: number;
  charEnd: number;
  tokens: number;
}

class Packer {
  /** prefix[i] = tokens of units [0, i) */
  private readonly prefix: number[];
  /** For a heading unit, the tokens of its section: up to the next heading. */
  private readonly section: number[];

  constructor(
    private readonly text: string,
    private readonly units: readonly Unit[],
    private readonly maxTokens: number,
  ) {
    this.prefix = [0];
    for (const u of units) this.prefix.push((this.prefix.at(-1) ?? 0) + u.tokens);
    this.section = new Array<number>(units.length).fill(0);
    let sum = 0;
    for (let i = units.length - 1; i >= 0; i--) {
      const u = unitAt(units, i);
      sum += u.tokens;
      if (u.before === Boundary.HEADING) {
        this.section[i] = sum;
        sum = 0;
      }
    }
  }

  /** The chunk made of overlap units [start, next) and at least unit `next`. */
  pack(start: number, next: number): Range {
    const max = this.maxTokens;
    while (start < next && this.sum(start, next + 1) > max) start++;
    let end = next + 1;
    let atHeading = false;
    for (; end < this.units.length; end++) {
      if (unitAt(this.units, end).before === Boundary.HEADING && this.headingStartsChunk(start, next, end)) {
        atHeading = true;
        break;
      }
      if (this.sum(start, end + 1) > max) break;
    }
    if (!atHeading && end < this.units.length) end = this.bestCut(start, next, end);
    return this.fit(start, next, end);
  }

  /** Where the next chunk starts: the last units of `chunk` worth at most `budget` tokens. */
  overlapStart(chunk: Range, budget: number): number {
    let k = chunk.end;
    let tokens = 0;
    while (k - 1 > chunk.start) {
      const t = tokens + unitAt(this.units, k - 1).tokens;
      if (t > budget) break;
      tokens = t;
      k--;
    }
    // Never open a chunk in the middle of a word.
    while (k < chunk.end && unitAt(this.units, k).before === Boundary.CHAR) k++;
    return k;
  }

  private headingStartsChunk(start: number, next: number, heading: number): boolean {
    const sectionFits = this.sum(start, heading) + (this.section[heading] ?? 0) <= this.maxTokens;
    return !sectionFits && this.sum(next, heading) >= this.maxTokens * HEADING_MIN_FILL;
  }

  /**
   * The end in (next, end] at the strongest boundary among those that leave
   * the chunk at least half full, the latest on ties; never right after a heading.
   */
  private bestCut(start: number, next: number, end: number): number {
    let best = end;
    let bestLevel = -1;
    const minimum = this.maxTokens * PREFERRED_FILL;
    for (let c = end; c > next && this.sum(start, c) >= minimum; c--) {
      if (unitAt(this.units, c - 1).before === Boundary.HEADING) continue;
      const level = Math.min(unitAt(this.units, c).before, Boundary.PARAGRAPH);
      if (level > bestLevel) {
        best = c;
        bestLevel = level;
      }
    }
    if (bestLevel === -1 && end - 1 > next && unitAt(this.units, end - 1).before === Boundary.HEADING) return end - 1;
    return best;
  }

  /**
   * Checks the chunk against the real estimate: words cut into windows are not
   * additive, so a sum of parts can undercount. Sheds units until it fits.
   */
  private fit(start: number, next: number, end: number): Range {
    for (;;) {
      const charStart = unitAt(this.units, start).start;
      const charEnd = unitAt(this.units, end - 1).end;
      const text = this.text.slice(charStart, charEnd);
      const tokens = estimateTokens(text);
      if (tokens <= this.maxTokens) return { start, end, text, charStart, charEnd, tokens };
      if (end - 1 > next) end--;
      else if (start < next) start++;
      else throw new Error(`chunking bug: a single unit has ${tokens} > ${this.maxTokens} tokens`);
    }
  }

  private sum(from: number, to: number): number {
    return (this.prefix[to] ?? 0) - (this.prefix[from] ?? 0);
  }
}
