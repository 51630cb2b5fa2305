// The identity provider's JWK set (JWT_JWKS_URL), through jose's remote JWK
// set: fetched on first use, refetched when older than CACHE_MAX_AGE_MS, and
// when a token names an unknown `kid` (key rotation) at most once per cooldown
// (JWT_JWKS_COOLDOWN_SECONDS). The fetched set is also kept in KV, so a new
// isolate starts from it instead of fetching again.
import { createRemoteJWKSet, type ExportedJWKSCache, jwksCache, type RemoteJWKSet } from "jose";

const CACHE_MAX_AGE_MS = 10 * 60 * 1000;
const FETCH_TIMEOUT_MS = 5_000;
const kvKey = (url: URL) => `jwks:${url.href}`;

interface Resolver {
  keys: RemoteJWKSet;
  cache: ExportedJWKSCache | Record<string, never>;
  /** The `uat` last written to (or read from) KV: a newer one means jose fetched, and KV should learn it. */
  persistedAt: number | undefined;
}

// One per isolate per URL and cooldown; jose keeps its own fetch state inside.
const resolvers = new Map<string, Promise<Resolver>>();

export interface JwksDeps {
  url: URL;
  cooldownSeconds: number;
  kv: KVNamespace;
}

export function jwksResolver(deps: JwksDeps): Promise<Resolver> {
  const id = `${deps.url.href} ${deps.cooldownSeconds}`;
  let resolver = resolvers.get(id);
  if (!resolver) {
    resolver = create(deps);
    resolvers.set(id, resolver);
    resolver.catch(() => resolvers.delete(id));
  }
  return resolver;
}

async function create(deps: JwksDeps): Promise<Resolver> {
  const stored = await deps.kv.get<ExportedJWKSCache>(kvKey(deps.url), "json").catch(() => null);
  const cache: ExportedJWKSCache | Record<string, never> = stored && Array.isArray(stored.jwks?.keys) && typeof stored.uat === "number" ? stored : {};
  const keys = createRemoteJWKSet(deps.url, {
    cooldownDuration: deps.cooldownSeconds * 1000,
    cacheMaxAge: CACHE_MAX_AGE_MS,
    timeoutDuration: FETCH_TIMEOUT_MS,
    [jwksCache]: cache,
  });
  return { keys, cache, persistedAt: "uat" in cache ? cache.uat : undefined };
}

/** After a verification: if jose fetched a newer set, store it for other isolates. */
export async function persistJwks(resolver: Resolver, deps: JwksDeps): Promise<void> {
  const { cache } = resolver;
  if (!("uat" in cache) || cache.uat === resolver.persistedAt) return;
  resolver.persistedAt = cache.uat;
  await deps.kv.put(kvKey(deps.url), JSON.stringify({ jwks: cache.jwks, uat: cache.uat }), { expirationTtl: Math.ceil((CACHE_MAX_AGE_MS * 6) / 1000) });
}
