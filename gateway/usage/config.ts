// USAGE_CONFIG, parsed once per isolate: budgets per plan, the metering flush
// interval, the free-Neuron guard and the semantic cache. Errors name the setting.
import { z } from "zod";
import { ApiError } from "../errors";

const amount = z.number().positive().nullable().default(null);

/** A plan's limits; null = unlimited. Dollars at list price; Neurons of Workers AI. */
export const PlanLimits = z
  .object({
    dailyUsd: amount,
    monthlyUsd: amount,
    dailyNeurons: amount,
    monthlyNeurons: amount,
    tokensPerMinute: z.number().int().positive().nullable().default(null),
    /** The semantic cache for /v1/ask, for every tenant of the plan. */
    semanticCache: z.boolean().default(false),
  })
  .strict();
export type PlanLimits = z.infer<typeof PlanLimits>;

const UsageConfigSchema = z
  .object({
    // The `plan` claim selects a row; a missing or unknown plan gets `default`.
    plans: z
      .record(z.string(), PlanLimits)
      .refine((plans) => Object.hasOwn(plans, "default"), "needs a `default` plan")
      .default({ default: PlanLimits.parse({ dailyUsd: 10, monthlyUsd: 200, tokensPerMinute: 200_000 }) }),
    // The longest usage is summed in memory before it is written to D1 (see
    // tenant-usage.ts for the quiet check that keeps it safe from hibernation).
    // Rows written = keys x flushes; reports add the unflushed sums anyway, so
    // only a restart (a deploy) can lose up to this much of a busy tenant's usage.
    flushSeconds: z.number().int().min(1).max(3600).default(300),
    // How long a finished request's settlement waits in its isolate for the
    // tenant's next admission call to carry it before it goes on its own
    // (settle-queue.ts). Within waitUntil's 30 s after the response.
    settleDelayMs: z.number().int().min(0).max(20_000).default(5_000),
    freeNeuronGuard: z
      .object({ enabled: z.boolean().default(false), dailyNeurons: z.number().positive().default(10_000) })
      .strict()
      .default({ enabled: false, dailyNeurons: 10_000 }),
    semanticCache: z
      .object({
        /** Tenants opted in besides those whose plan turns it on. */
        tenants: z.array(z.string()).default([]),
        minSimilarity: z.number().min(0).max(1).default(0.92),
        /** Answers kept per tenant; the oldest go first. */
        maxEntries: z.number().int().min(1).max(5000).default(1000),
      })
      .strict()
      .default({ tenants: [], minSimilarity: 0.92, maxEntries: 1000 }),
  })
  .strict();
export type UsageConfig = z.infer<typeof UsageConfigSchema>;

let cached: { raw: string; config: UsageConfig } | undefined;

export function usageConfig(env: Pick<GatewayEnv, "USAGE_CONFIG">): UsageConfig {
  const raw = env.USAGE_CONFIG ?? "";
  if (cached?.raw === raw) return cached.config;
  const config = parseUsageConfig(raw);
  cached = { raw, config };
  return config;
}

export function parseUsageConfig(raw: string): UsageConfig {
  let json: unknown;
  try {
    json = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    throw misconfigured("USAGE_CONFIG is not valid JSON");
  }
  const parsed = UsageConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw misconfigured(`USAGE_CONFIG.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export function planLimits(config: UsageConfig, plan: string | undefined): PlanLimits {
  const plans = config.plans;
  const row = plan !== undefined && Object.hasOwn(plans, plan) ? plans[plan] : plans["default"];
  return row ?? PlanLimits.parse({});
}

// The message names the setting, as for the other settings (errors.ts).
function misconfigured(detail: string): ApiError {
  console.error("usage configuration rejected", { detail });
  return new ApiError("server_misconfigured", `The server's usage configuration is invalid: ${detail}.`);
}
