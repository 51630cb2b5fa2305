// The words that carry a text's topic: tokenize.ts's stemmed tokens without
// the stopwords. The local reranker and the extractive answer both measure
// relevance as overlap of these, as the embedding does with its word features.
import { isStopword, tokenize } from "./tokenize";

export function contentWords(text: string): string[] {
  return tokenize(text).filter((token) => !isStopword(token));
}
