// Two layers: the Cache API (this data center, fast, not replicated) in front
// of KV (global, eventually consistent: fine here, since a key never changes
// meaning; a new corpus version is a new key). A KV hit refills the Cache API.
// POST responses cannot be stored in the Cache API, so entries live under a
// synthetic GET URL made from the key.

export type CacheLayer = "cache-api" | "kv";

export interface Stored<T> {
  value: T;
  storedAt: number;
}

export interface Hit<T> extends Stored<T> {
  layer: CacheLayer;
}

// KV refuses expirations under 60 s.
const KV_MIN_TTL_SECONDS = 60;
export const syntheticUrl = (key: string) => `https://edge-cache.internal/v1/${key}`;
export const KV_PREFIX = "response:";
const kvKey = (key: string) => `${KV_PREFIX}${key}`;

export class ResponseStore {
  constructor(
    private readonly cache: Cache,
    private readonly kv: KVNamespace,
    private readonly ttlSeconds: number,
  ) {}

  async get<T>(key: string, now = Date.now()): Promise<{ hit: Hit<T> | null; refill: Promise<void> | null }> {
    const local = await this.cache.match(syntheticUrl(key));
    if (local) return { hit: { ...(await local.json<Stored<T>>()), layer: "cache-api" }, refill: null };
    const global = await this.kv.get<Stored<T>>(kvKey(key), "json");
    if (!global || now - global.storedAt >= this.ttlSeconds * 1000) return { hit: null, refill: null };
    const remaining = this.ttlSeconds - Math.floor((now - global.storedAt) / 1000);
    return { hit: { ...global, layer: "kv" }, refill: this.putLocal(key, global, remaining) };
  }

  async put<T>(key: string, value: T, now = Date.now()): Promise<void> {
    const stored: Stored<T> = { value, storedAt: now };
    await Promise.all([
      this.putLocal(key, stored, this.ttlSeconds),
      this.kv.put(kvKey(key), JSON.stringify(stored), { expirationTtl: Math.max(KV_MIN_TTL_SECONDS, this.ttlSeconds) }),
    ]);
  }

  private async putLocal<T>(key: string, stored: Stored<T>, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return;
    const response = new Response(JSON.stringify(stored), {
      headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${ttlSeconds}` },
    });
    await this.cache.put(syntheticUrl(key), response);
  }
}
