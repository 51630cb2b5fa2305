// Cuts normalised text into the smallest pieces the chunker packs: sentences,
// or for a sentence too long for one chunk its lines, then its words, then
// fixed windows of a single enormous word. Each piece remembers how strong
// the boundary before it is, so the chunker can prefer cutting at headings
// and paragraphs over cutting inside a sentence.
import { runSteps, type SliceBudget, type Steps, unlimited } from "./cooperative";
import { estimateTokens } from "./token-estimate";

export const Boundary = { CHAR: 0, WORD: 1, LINE: 2, SENTENCE: 3, PARAGRAPH: 4, HEADING: 5 } as const;
export type Boundary = (typeof Boundary)[keyof typeof Boundary];

/** `text.slice(start, end)`, trimmed and non-empty, of `tokens` tokens; `before` is the boundary that precedes it. */
export interface Unit {
  start: number;
  end: number;
  tokens: number;
  before: Boundary;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

let sentences: Intl.Segmenter | undefined;

/**
 * Units of `text` (already normalised: its only whitespace is " " and "\n"),
 * in order, each of at most `maxTokens` tokens; the gaps between them are whitespace.
 */
export function splitUnits(text: string, maxTokens: number): Unit[] {
  return runSteps(unitSteps(text, maxTokens, unlimited()));
}

/** splitUnits as {@link Steps}: yields each time `budget` has been spent on sentences and headings. */
export function* unitSteps(text: string, maxTokens: number, budget: SliceBudget): Steps<Unit[]> {
  const units: Unit[] = [];
  const split = new Splitter(text, maxTokens, units);
  for (const { start, end, heading } of blocks(text)) {
    if (heading) {
      split.range(start, end, Boundary.HEADING);
      if (budget.spend(end - start)) yield;
    } else {
      yield* split.sentences(start, end, budget);
    }
  }
  return units;
}

interface Block {
  start: number;
  end: number;
  heading: boolean;
}

/**
 * Each paragraph (lines up to a blank line) and each markdown heading line,
 * which is a block of its own. Lines inside ``` or ~~~ fences are never
 * headings: `# comment` in a shell snippet is code.
 */
function* blocks(text: string): Generator<Block, void, void> {
  let blockStart = -1;
  let inFence = false;
  for (let lineStart = 0; lineStart <= text.length; ) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    if (lineEnd === lineStart) {
      if (blockStart !== -1) yield { start: blockStart, end: lineStart - 1, heading: false };
      blockStart = -1;
    } else if (!inFence && isHeading(text, lineStart, lineEnd)) {
      if (blockStart !== -1) yield { start: blockStart, end: lineStart - 1, heading: false };
      yield { start: lineStart, end: lineEnd, heading: true };
      blockStart = -1;
    } else {
      if (text.startsWith("```", lineStart) || text.startsWith("~~~", lineStart)) inFence = !inFence;
      if (blockStart === -1) blockStart = lineStart;
    }
    lineStart = lineEnd + 1;
  }
  if (blockStart !== -1) yield { start: blockStart, end: text.length, heading: false };
}

/** `#` to `######` followed by a space or the end of the line. */
function isHeading(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && i - start < 7 && text.charCodeAt(i) === 0x23) i++;
  const hashes = i - start;
  return hashes >= 1 && hashes <= 6 && (i === end || text.charCodeAt(i) === 0x20);
}

class Splitter {
  constructor(
    private readonly text: string,
    private readonly maxTokens: number,
    private readonly units: Unit[],
  ) {}

  /**
   * Sentences of a paragraph; line breaks inside it are layout (PDF lines), not
   * sentence ends. Yields between sentences: a text file may be one paragraph.
   */
  *sentences(start: number, end: number, budget: SliceBudget): Steps<void> {
    sentences ??= new Intl.Segmenter("en", { granularity: "sentence" });
    const paragraph = this.text.slice(start, end).replaceAll("\n", " ");
    let before: Boundary = Boundary.PARAGRAPH;
    for (const { index, segment } of sentences.segment(paragraph)) {
      if (this.range(start + index, start + index + segment.length, before)) before = Boundary.SENTENCE;
      if (budget.spend(segment.length)) yield;
    }
  }

  /**
   * Adds [start, end) as one unit, or if it is too long, its lines, else its
   * words, else windows of it; false if it was only whitespace.
   */
  range(start: number, end: number, before: Boundary): boolean {
    while (start < end && isSpace(this.text.charCodeAt(start))) start++;
    while (end > start && isSpace(this.text.charCodeAt(end - 1))) end--;
    if (start === end) return false;
    const tokens = estimateTokens(this.text.slice(start, end));
    if (tokens <= this.maxTokens) this.units.push({ start, end, tokens, before });
    else if (this.contains(start, end, NEWLINE)) this.pieces(start, end, before, Boundary.LINE, NEWLINE);
    else if (this.contains(start, end, SPACE)) this.pieces(start, end, before, Boundary.WORD, SPACE);
    else this.windows(start, end, before);
    return true;
  }

  /** Splits at every `separator`; the first piece keeps the boundary before the whole. */
  private pieces(start: number, end: number, before: Boundary, level: Boundary, separator: number): void {
    let pieceStart = start;
    for (let i = start; i <= end; i++) {
      if (i === end || this.text.charCodeAt(i) === separator) {
        if (this.range(pieceStart, i, before)) before = level;
        pieceStart = i + 1;
      }
    }
  }

  /** Cuts a single word into the longest windows that fit, never inside a surrogate pair. */
  private windows(start: number, end: number, before: Boundary): void {
    while (start < end) {
      // No longer window could fit: the estimate prices a word at one token per
      // 4 characters or more. Shrink in proportion to the overshoot until it fits.
      let length = Math.min(end - start, this.maxTokens * 4);
      let tokens = estimateTokens(this.text.slice(start, start + length));
      while (tokens > this.maxTokens) {
        length = Math.max(1, Math.min(length - 1, Math.floor((length * this.maxTokens) / tokens)));
        tokens = estimateTokens(this.text.slice(start, start + length));
      }
      if (start + length < end && isHighSurrogate(this.text.charCodeAt(start + length - 1))) {
        length = length > 1 ? length - 1 : 2;
        tokens = estimateTokens(this.text.slice(start, start + length));
      }
      this.units.push({ start, end: start + length, tokens, before });
      before = Boundary.CHAR;
      start += length;
    }
  }

  // Not indexOf: it would scan past `end`, up to the whole text for every oversized piece.
  private contains(start: number, end: number, code: number): boolean {
    for (let i = start; i < end; i++) if (this.text.charCodeAt(i) === code) return true;
    return false;
  }
}

const isSpace = (c: number): boolean => c === SPACE || c === NEWLINE;
const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
