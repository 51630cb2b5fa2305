// POST /v1/search: hybrid retrieval over the caller's ready documents.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { searchDeps } from "../retrieval/configure";
import { search } from "../retrieval/search";
import type { SearchMode, SearchResult } from "../retrieval/types";
import { validate } from "../validation";

export const MAX_QUERY_LENGTH = 2000;

export const SearchBody = z.object({
  query: z.string().trim().min(1, "must not be empty").max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`),
  topK: z.number().int().min(1).max(50).default(10),
  // Vectorize filters take at most 2 KiB of JSON: ~50 ids.
  documentIds: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
  mode: z.enum(["hybrid", "keyword", "vector"]).default("hybrid"),
});

export interface SearchResponse {
  results: SearchResult[];
  tookMs: number;
  mode: SearchMode;
}

export const searchRoute = new Hono<AppEnv>().post("/", validate("json", SearchBody), async (c) => {
  const started = Date.now();
  const request = c.req.valid("json");
  const hits = await search(searchDeps(c.env), c.get("caller").tenantId, request);
  const body: SearchResponse = {
    results: hits.map(({ vectorScore: _, ...result }) => result),
    tookMs: Date.now() - started,
    mode: request.mode,
  };
  return c.json(body);
});
