// Two test projects, both inside workerd with the `local` environment's bindings:
// - gateway: the gateway is the main worker; the ingest consumer and the local
//   stand-ins run beside it as auxiliary workers sharing its D1, R2 and queue,
//   so a test can follow an upload all the way to `ready`.
//   The legacy backend behind the proxy is real too: instances of the stand-in
//   (local-services/legacy-backend) listening on 127.0.0.1, started below.
// - consumer: the ingest consumer is the main worker, for driving its queue
//   handler directly with hand-made batches.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { buildSync } from "esbuild";
import type { WorkerOptions } from "miniflare";
import { defineConfig } from "vitest/config";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { startTestBackends } from "./test/backends.ts";
import { SIMPLE_MODEL, SIMPLE_MODEL_CAPACITY, WORKERS_AI_CAPACITY, WORKERS_AI_ERROR, WORKERS_AI_SLOW } from "./test/fixtures/ai-markers.ts";
import { POISON_PILL } from "./test/fixtures/poison.ts";

const outdir = ".wrangler/test-workers";

/** Auxiliary workers are not transformed by Vite: bundle them, and take their bindings from their wrangler file. */
function auxiliaryWorker(
  configPath: string,
  entry: string,
  name: string,
  bindings: Record<string, string> = {},
  overrides: Partial<WorkerOptions> = {},
): WorkerOptions {
  const outfile = `${outdir}/${name}.js`;
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2023",
    external: ["cloudflare:*", "node:*"],
    logLevel: "warning",
  });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath, "local");
  const options: WorkerOptions = { ...workerOptions, name, modules: true, scriptPath: outfile };
  return { ...options, ...overrides, bindings: { ...options.bindings, ...bindings } } as WorkerOptions;
}

// The pool renames the main worker, so bindings that name the gateway by
// script (the consumer's TENANT_GATE) are pointed at its runner instead.
const GATEWAY_RUNNER = "vitest-pool-workers-runner-gateway";
const tenantGate = (scriptName: string): Partial<WorkerOptions> => ({
  durableObjects: { TENANT_GATE: { className: "TenantGate", scriptName } },
});

const migrations = await readD1Migrations("migrations");

/** A test-only worker (no wrangler file), bundled like the others. */
function fixtureWorker(entry: string, name: string): WorkerOptions {
  const outfile = `${outdir}/${name}.js`;
  buildSync({ entryPoints: [entry], outfile, bundle: true, format: "esm", platform: "browser", target: "es2023", logLevel: "warning" });
  return { name, modules: true, scriptPath: outfile, compatibilityDate: "2026-04-20" };
}
const JWT_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
const RECEIPT_SECRET = "test-receipt-secret-0123456789abcdef0123456789";
// Real HTTP backends for the proxy tests, up for as long as this process.
const backends = await startTestBackends(JWT_SECRET);
// Tests must not depend on a developer's .dev.vars (which wrangler reads), so
// faults are always set here.
const localServices = (faults = "") =>
  auxiliaryWorker("wrangler.local-services.toml", "local-services/index.ts", "rag-local-services", { LOCAL_AI_FAULTS: faults, LOCAL_AI_SLOW_MS: "5000" });

// The gateway's AI settings in tests: short timeouts and cooldowns so fallback
// and breaker paths run in seconds, and one experiment on simple requests.
const AI_TEST_SETTINGS = {
  OPENAI_BASE_URL: "http://openai.test/v1",
  AI_TIMEOUT_MS: "1500",
  AI_BREAKER_FAILURES: "4",
  AI_BREAKER_COOLDOWN_MS: "1500",
  AI_EXPERIMENTS: JSON.stringify([
    {
      name: "simple-model",
      routes: ["simple"],
      variants: [
        { name: "control", model: "routed", weight: 50 },
        { name: "glm", model: "@cf/zai-org/glm-4.7-flash", weight: 50 },
      ],
    },
  ]),
};

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "wrangler.gateway.toml", environment: "local" },
            remoteBindings: false,
            miniflare: {
              bindings: { TEST_MIGRATIONS: migrations, JWT_SECRET, RECEIPT_SECRET, MAX_UPLOAD_BYTES: "1048576", ...AI_TEST_SETTINGS, ...backends },
              // The gateway's outbound fetches reach stand-ins over HTTP: the identity provider
              // answers idp.test (JWKS), hands openai.test (OPENAI_BASE_URL) to the local OpenAI,
              // and passes any other host to the real network (the legacy backends on 127.0.0.1).
              outboundService: "test-identity-provider",
              // A backend that is itself a Worker, for the proxy's service-binding targets.
              serviceBindings: { LEGACY_WORKER: "rag-local-services" },
              workers: [
                { ...fixtureWorker("test/fixtures/identity-provider.ts", "test-identity-provider"), serviceBindings: { OPENAI: "rag-local-openai" } },
                // One-second retries: a poisoned document reaches the dead letters in seconds.
                auxiliaryWorker(
                  "wrangler.consumer.toml",
                  "ingest-consumer/index.ts",
                  "rag-ingest-consumer",
                  { RETRY_BASE_SECONDS: "1", RETRY_MAX_SECONDS: "1" },
                  tenantGate(GATEWAY_RUNNER),
                ),
                localServices(`429:1@${POISON_PILL},3040:1@${WORKERS_AI_CAPACITY},3040:1@${SIMPLE_MODEL_CAPACITY}#${SIMPLE_MODEL},500:1@${WORKERS_AI_ERROR},slow:1@${WORKERS_AI_SLOW}`),
                auxiliaryWorker("wrangler.local-openai.toml", "local-services/openai/index.ts", "rag-local-openai", { LOCAL_OPENAI_SLOW_MS: "5000" }),
              ],
            },
          }),
        ],
        test: { name: "gateway", include: ["test/gateway/**/*.test.ts"], setupFiles: ["test/apply-migrations.ts"] },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "wrangler.consumer.toml", environment: "local" },
            remoteBindings: false,
            miniflare: {
              bindings: { TEST_MIGRATIONS: migrations },
              // The gateway, for the tenant gate the consumer tells about ready documents.
              workers: [localServices(), auxiliaryWorker("wrangler.gateway.toml", "gateway/index.ts", "rag-gateway", { JWT_SECRET: "unused-in-consumer-tests-0123456789abcdef" })],
            },
          }),
        ],
        test: { name: "consumer", include: ["test/consumer/**/*.test.ts", "test/shared/**/*.test.ts"], setupFiles: ["test/apply-migrations.ts"] },
      },
    ],
  },
});
