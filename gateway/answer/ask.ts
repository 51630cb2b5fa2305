// Grounded question answering: retrieve, keep the sources that bear on the
// question, ask the model with them, and check its citations.
import { dependencyError } from "../dependency-failure";
import { search, type SearchDeps } from "../retrieval/search";
import type { Degraded, SearchHit } from "../retrieval/types";
import type { ChatModel, Usage } from "./chat-model";
import { checkCitations } from "./citations";
import { NO_ANSWER, type Source } from "./prompt";

export interface AskRequest {
  question: string;
  topK: number;
  documentIds?: readonly string[] | undefined;
}

export interface AskDeps {
  search: SearchDeps;
  model: ChatModel;
  /** Vector-only matches below this cosine similarity are not relevant enough to answer from. */
  minVectorScore: number;
}

export interface Answer {
  answer: string;
  citations: Source[];
  model: string | null;
  usage: Usage;
}

export interface Retrieved {
  sources: Source[];
  /** Parts of retrieval that failed and were left out. */
  degraded: Degraded[];
}

export async function retrieveSources(deps: AskDeps, tenantId: string, request: AskRequest): Promise<Retrieved> {
  const { hits, degraded } = await search(deps.search, tenantId, { query: request.question, topK: request.topK, documentIds: request.documentIds, mode: "hybrid" });
  const sources = hits.filter((hit) => isRelevant(hit, deps.minVectorScore)).map((hit, i) => toSource(hit, i + 1));
  const vectorFailure = degraded.find((d) => d.part === "vector")?.failure;
  // Keywords alone found nothing: "the documents do not contain this" would be a guess, not an answer.
  if (sources.length === 0 && vectorFailure) throw dependencyError(vectorFailure);
  return { sources, degraded: degraded.map((d) => d.part) };
}

/** A chunk bears on the question if it shares a content word with it, or is close in meaning. */
function isRelevant(hit: SearchHit, minVectorScore: number): boolean {
  return hit.sources.includes("keyword") || (hit.vectorScore ?? Number.NEGATIVE_INFINITY) >= minVectorScore;
}

function toSource(hit: SearchHit, index: number): Source {
  return { index, documentId: hit.documentId, filename: hit.filename, chunkIndex: hit.chunkIndex, pages: hit.pages, text: hit.text, score: hit.score };
}

/** The answer when nothing relevant was found: the model is not called. */
export const noAnswer = (): Answer => ({ answer: NO_ANSWER, citations: [], model: null, usage: { inputTokens: 0, outputTokens: 0 } });

/** The checked answer: invented citations dropped, `citations` listing the sources actually cited. */
export function finishAnswer(text: string, sources: readonly Source[], model: string, usage: Usage): Answer {
  const checked = checkCitations(text, sources.length);
  const citations = checked.cited.flatMap((n) => sources.filter((s) => s.index === n));
  return { answer: checked.text || NO_ANSWER, citations, model, usage };
}
