// Runs in Node, from vitest.config.ts: real HTTP backends (the stand-in legacy
// backend, several instances) for the gateway's proxy tests, and the
// PROXY_CONFIG pointing at them. Upstreams whose breaker a test drives have
// instances of their own, so one test's failures never open another's breaker.
import { createServer } from "node:net";
import { startLegacyBackend } from "../local-services/legacy-backend/server.ts";

export const TEST_STRIPE_SECRET = "whsec_test_0123456789abcdef0123456789abcdef";

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

export async function startTestBackends(jwtSecret: string): Promise<Record<string, string>> {
  const names = ["main", "slow", "retry", "failover-a", "failover-b", "breaker-a", "breaker-b", "probe-a", "probe-b"] as const;
  const started = await Promise.all(names.map((name) => startLegacyBackend({ name, jwtSecret, unref: true })));
  const url = Object.fromEntries(started.map((b) => [b.name, b.url])) as Record<(typeof names)[number], string>;
  const dead = [`http://127.0.0.1:${await closedPort()}`, `http://127.0.0.1:${await closedPort()}`];
  const patient = { failureThreshold: 100, openMs: 60_000, cacheMs: 0 };
  const config = {
    upstreams: {
      main: { targets: [{ url: url.main }], healthPath: "/healthz" },
      slow: { targets: [{ url: url.slow }], breaker: patient },
      retry: { targets: [{ url: url.retry }], breaker: patient },
      failover: { targets: [{ url: url["failover-a"] }, { url: url["failover-b"] }], breaker: patient },
      breaker: { targets: [{ url: url["breaker-a"] }, { url: url["breaker-b"] }], breaker: { failureThreshold: 2, openMs: 1_000, cacheMs: 0 } },
      probe: { targets: [{ url: url["probe-a"] }, { url: url["probe-b"] }], healthPath: "/healthz", healthTimeoutMs: 500, breaker: patient },
      worker: { targets: [{ service: "LEGACY_WORKER" }] },
      dead: { targets: dead.map((u) => ({ url: u })), breaker: { failureThreshold: 2, openMs: 60_000, cacheMs: 0 } },
    },
    routes: [
      { prefix: "/api/auth", upstream: "main", auth: "none" },
      { prefix: "/api/open", upstream: "main", auth: "optional" },
      { prefix: "/api/billing/webhooks", upstream: "main", auth: "none" },
      { prefix: "/api/chat/ws", upstream: "main", auth: "required", websocket: true },
      { prefix: "/api", upstream: "main", auth: "required" },
      { prefix: "/api/slow", upstream: "slow", auth: "required", timeoutMs: 500, retries: 0 },
      { prefix: "/api/retry", upstream: "retry", auth: "required", retries: 2, retryBackoffMs: 10 },
      { prefix: "/api/failover", upstream: "failover", auth: "required", retries: 1, retryBackoffMs: 10, timeoutMs: 3_000, attemptTimeoutMs: 500 },
      { prefix: "/api/breaker", upstream: "breaker", auth: "required", retries: 0 },
      { prefix: "/api/probe", upstream: "probe", auth: "required", retries: 0 },
      { prefix: "/api/worker", upstream: "worker", auth: "required" },
      { prefix: "/api/dead", upstream: "dead", auth: "required", timeoutMs: 1_000, retries: 1, retryBackoffMs: 10 },
    ],
    rollout: [{ prefix: "/v1/documents", upstream: "main", defaultPercent: 100 }],
    breaker: { failureThreshold: 5, openMs: 30_000, cacheMs: 0 },
  };
  return { PROXY_CONFIG: JSON.stringify(config), TEST_BACKENDS: JSON.stringify(url), STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET };
}
