// The response cache as a route uses it: open an entry for a request, serve
// `hit` if there is one, otherwise compute and `save` a successful result.
// Any route whose answer is a pure function of its inputs and the tenant's
// corpus can plug in (search, ask, embeddings, deterministic chat).
//
// The client decides with Cache-Control: `no-cache` skips the read (and
// refreshes the entry), `no-store` skips read and write. Nothing is read or
// written while the tenant's corpus is changing, or when the tenant gate was
// unreachable (no corpus version to key on). Failures of the cache itself
// only cost a miss.
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { edgeConfig } from "../config";
import { cacheKey } from "./key";
import { type Hit, ResponseStore } from "./store";
import { waitUntil } from "../wait-until";

export interface CacheSpec {
  /** The route's name in the key, e.g. "POST /v1/search". */
  route: string;
  /** The validated request body, minus what does not change the answer (e.g. `stream`). */
  body: unknown;
  settings: Record<string, string | number | boolean>;
}

export interface CacheEntry<T> {
  hit: Hit<T> | null;
  /** Stores a complete, successful result; nothing happens when the entry is bypassed. */
  save(value: T): void;
  /** X-Cache (and Age on a hit) for the response. */
  headers(): Record<string, string>;
}

export async function openCacheEntry<T>(c: Context<AppEnv>, spec: CacheSpec): Promise<CacheEntry<T>> {
  const directives = (c.req.header("Cache-Control") ?? "").toLowerCase();
  const noStore = /(^|[\s,])no-store([\s,]|$)/.test(directives);
  const noCache = /(^|[\s,])no-cache([\s,]|$)/.test(directives);
  const corpus = c.get("corpus");
  const usable = !noStore && corpus !== undefined && corpus.settled;
  const now = Date.now();

  let hit: Hit<T> | null = null;
  let key: string | null = null;
  let store: ResponseStore | null = null;
  if (usable && corpus) {
    store = new ResponseStore(caches.default, c.env.EDGE_CACHE, edgeConfig(c.env).cacheTtlSeconds);
    key = await cacheKey({ tenantId: c.get("caller").tenantId, route: spec.route, body: spec.body, settings: spec.settings, corpusVersion: corpus.version });
    if (!noCache) {
      try {
        const found = await store.get<T>(key, now);
        hit = found.hit;
        if (found.refill) waitUntil(c, found.refill.catch(logFailure("cache refill")));
      } catch (error) {
        logFailure("cache read")(error);
      }
    }
  }
  const status = hit ? `HIT; layer=${hit.layer}` : usable && !noCache ? "MISS" : "BYPASS";
  c.get("edge").cache = status;

  return {
    hit,
    save(value: T) {
      if (hit || !store || key === null) return;
      waitUntil(c, store.put(key, value).catch(logFailure("cache write")));
    },
    headers(): Record<string, string> {
      return hit ? { "X-Cache": status, Age: String(Math.max(0, Math.floor((now - hit.storedAt) / 1000))) } : { "X-Cache": status };
    },
  };
}

const logFailure = (what: string) => (error: unknown) => console.error(JSON.stringify({ message: `${what} failed`, error: String(error) }));
