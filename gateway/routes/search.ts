// POST /v1/search: hybrid retrieval over the caller's ready documents.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { openCacheEntry } from "../edge/cache/cache-entry";
import { searchDeps, searchSettings } from "../retrieval/configure";
import { search } from "../retrieval/search";
import type { Degraded, SearchMode, SearchResult } from "../retrieval/types";
import { MAX_VECTOR_TOP_K } from "../retrieval/vector";
import { requireJsonBody } from "../middleware/json-content-type";
import { meteredSearchDeps } from "../usage/metered-deps";
import { validate } from "../validation";

export const MAX_QUERY_LENGTH = 2000;

/** The shape newDocumentId() makes; anything else cannot name a document. */
export const DocumentId = z.string().regex(/^doc_[0-9a-f]{32}$/, "is not a document id");

export const SearchBody = z.object({
  query: z.string().trim().min(1, "must not be empty").max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`),
  // As deep as one Vectorize query goes, so an evaluation's Recall@100 sees 100 results.
  topK: z.number().int().min(1).max(MAX_VECTOR_TOP_K).default(10),
  // Vectorize filters take under 2 KiB of JSON: 50 ids of this shape fit.
  documentIds: z.array(DocumentId).min(1).max(50).optional(),
  mode: z.enum(["hybrid", "keyword", "vector"]).default("hybrid"),
});

export interface SearchResponse {
  results: SearchResult[];
  tookMs: number;
  mode: SearchMode;
  /** Parts of search that failed and were left out ("vector", "rerank"); empty when none. */
  degraded: Degraded[];
}

/** Names what a degraded answer left out, for clients and caches that read headers only. */
export const DEGRADED_HEADER = "X-Degraded";

export const searchRoute = new Hono<AppEnv>().post("/", requireJsonBody, validate("json", SearchBody), async (c) => {
  const started = Date.now();
  const request = c.req.valid("json");
  const cache = await openCacheEntry<SearchResponse>(c, { route: "POST /v1/search", body: request, settings: searchSettings(c.env) });
  if (cache.hit) {
    c.get("usage").answeredWithoutModel("hit");
    return c.json(cache.hit.value, 200, cache.headers());
  }
  const deps = meteredSearchDeps(searchDeps(c.env), c.get("usage"), c.env, { embeddingAnswers: true });
  const { hits, degraded } = await search(deps, c.get("caller").tenantId, request);
  const body: SearchResponse = {
    results: hits.map(({ vectorScore: _, ...result }) => result),
    tookMs: Date.now() - started,
    mode: request.mode,
    degraded: degraded.map((d) => d.part),
  };
  // A degraded answer is a partial one: served, never cached.
  if (body.degraded.length > 0) c.header(DEGRADED_HEADER, body.degraded.join(", "));
  else cache.save(body);
  return c.json(body, 200, cache.headers());
});
