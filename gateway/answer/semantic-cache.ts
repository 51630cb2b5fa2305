// The semantic cache for /v1/ask, opt-in per tenant (USAGE_CONFIG
// semanticCache.tenants, or a plan with semanticCache: true). A question
// close enough in meaning to one already answered for the same corpus
// version and request scope gets the stored answer: no model call. The cache
// is an optimisation: if it fails, the question is answered as usual.
import type { CorpusState } from "../../shared/corpus-gate";
import type { Caller } from "../context";
import { planLimits, usageConfig } from "../usage/config";

export interface SemanticCache<T> {
  lookup(vector: number[]): Promise<T | null>;
  store(question: string, vector: number[], value: T): Promise<void>;
}

export interface AskScope {
  topK: number;
  documentIds?: readonly string[] | undefined;
  model: string;
}

/**
 * null when the tenant has not opted in, the client sent Cache-Control
 * no-cache or no-store, or the corpus version is unknown or changing (as for
 * the exact cache).
 */
export function semanticCacheFor<T>(env: GatewayEnv, caller: Caller, corpus: CorpusState | undefined, scope: AskScope, cacheControl = ""): SemanticCache<T> | null {
  if (/(^|[\s,])no-(cache|store)([\s,]|$)/i.test(cacheControl)) return null;
  const config = usageConfig(env);
  const settings = config.semanticCache;
  if (!settings.tenants.includes(caller.tenantId) && !planLimits(config, caller.plan).semanticCache) return null;
  if (!corpus?.settled) return null;
  const version = String(corpus.version);
  const stub = env.SEMANTIC_CACHE.get(env.SEMANTIC_CACHE.idFromName(caller.tenantId));
  // Answers depend on these as much as on the question.
  const scopeKey = JSON.stringify({ topK: scope.topK, documentIds: scope.documentIds ? [...scope.documentIds].sort() : null, model: scope.model });
  return {
    async lookup(vector) {
      try {
        const hit = await stub.lookup(vector, version, scopeKey, settings.minSimilarity);
        return hit ? (JSON.parse(hit.payload) as T) : null;
      } catch (error) {
        console.error("semantic cache lookup failed; answering", { tenantId: caller.tenantId, error: String(error) });
        return null;
      }
    },
    async store(question, vector, value) {
      try {
        await stub.store(question, vector, version, scopeKey, JSON.stringify(value), settings.maxEntries);
      } catch (error) {
        console.error("semantic cache store failed", { tenantId: caller.tenantId, error: String(error) });
      }
    },
  };
}
