// The stand-in legacy backends of the proxy tests (started by vitest.config.ts
// through test/backends.ts), seen from inside workerd: their URLs and their
// control endpoints.
import { env } from "cloudflare:workers";
import type { LoggedRequest } from "../../local-services/legacy-backend/request-log";

const urls = JSON.parse(env.TEST_BACKENDS) as Record<string, string>;

export function backend(name: string) {
  const base = urls[name];
  if (!base) throw new Error(`no test backend ${name}`);
  const control = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}/__control/${path}`, init);
    if (!response.ok) throw new Error(`backend ${name} control ${path}: ${response.status}`);
    return response;
  };
  return {
    url: base,
    /** Fault spec (local-services/legacy-backend/faults.ts); "" clears. */
    faults: (spec: string) => control("faults", { method: "PUT", body: spec }),
    health: (up: boolean) => control("health", { method: "PUT", body: up ? "up" : "down" }),
    release: (key: string) => control(`release?key=${encodeURIComponent(key)}`, { method: "POST" }),
    /** What reached this backend whose path contains `path`. */
    requests: async (path: string) => (await control(`requests?path=${encodeURIComponent(path)}`)).json<LoggedRequest[]>(),
  };
}

/** A path no other test uses, so its faults and request log are its own. */
export const uniquePath = (prefix: string) => `${prefix}/${crypto.randomUUID()}`;
