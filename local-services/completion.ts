// One generated answer, independent of the shape a model family returns it
// in: its text, why it stopped, and token usage. Tokens are estimated as
// words * 1.3 (tokenize.ts words, so each Han/Kana character counts as one),
// close enough to a BPE tokenizer for limits and usage figures to be plausible.
import { tokenize } from "./tokenize";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Completion {
  /** The label the local stack reports instead of the real model's name. */
  model: string;
  text: string;
  finishReason: "stop" | "length";
  usage: Usage;
}

const TOKENS_PER_WORD = 1.3;
const WORDS_PER_PIECE = 3;

export function estimateTokens(text: string): number {
  return Math.ceil(tokenize(text).length * TOKENS_PER_WORD);
}

export function completionOf(model: string, answer: string, promptTokens: number, maxTokens: number | undefined): Completion {
  const text = maxTokens === undefined ? answer : truncate(answer, maxTokens);
  const completionTokens = estimateTokens(text);
  return {
    model: `local-extractive (stand-in for ${model})`,
    text,
    finishReason: text === answer ? "stop" : "length",
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** The text cut, like a model hitting max_tokens, mid-sentence. */
function truncate(text: string, maxTokens: number): string {
  let kept = "";
  let words = 0;
  // Words never span whitespace, so counting piece by piece counts the whole.
  for (const piece of text.match(/\S+\s*/g) ?? []) {
    words += tokenize(piece).length;
    if (Math.ceil(words * TOKENS_PER_WORD) > maxTokens) return kept.trimEnd();
    kept += piece;
  }
  return kept;
}

/** The text in pieces of a few words, each with its trailing space: joined, they give the text back. */
export function piecesOf(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_PIECE) pieces.push(words.slice(i, i + WORDS_PER_PIECE).join(""));
  return pieces;
}
