// RATE_LIMITS: per-tenant limits per route class, one row per plan. The `plan`
// claim of the caller's token picks the row; an unknown or missing plan gets
// `default`. A plan row names only the classes it changes; the rest come from
// `default`, whose own missing classes come from the built-in defaults below.
import { z } from "zod";
import { ROUTE_CLASSES, type RouteClass } from "./route-classes";

export interface Rule {
  /** Requests allowed per window. */
  requests: number;
  windowSeconds: number;
}

export type PlanLimits = Record<RouteClass, Rule>;

export interface LimitsConfig {
  plans: Record<string, PlanLimits>;
  /** Serve anyway (unlimited, uncached) when the tenant gate cannot be reached. */
  failOpen: boolean;
}

export const BUILT_IN_DEFAULTS: PlanLimits = {
  ingest: { requests: 120, windowSeconds: 60 },
  query: { requests: 600, windowSeconds: 60 },
  read: { requests: 1200, windowSeconds: 60 },
  ai: { requests: 600, windowSeconds: 60 },
  admin: { requests: 60, windowSeconds: 60 },
  proxy: { requests: 1200, windowSeconds: 60 },
};

const RuleSchema = z.object({
  requests: z.number().int().min(0).max(1_000_000_000),
  windowSeconds: z.number().int().min(1).max(86_400),
});
const PlanSchema = z.partialRecord(z.enum(ROUTE_CLASSES), RuleSchema);
const LimitsSchema = z.record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "plan names are letters, digits, '.', '_', '-'"), PlanSchema);

export type ParsedLimits = { ok: true; value: LimitsConfig } | { ok: false; error: string };

export function parseLimits(raw: string | undefined, failOpenRaw: string | undefined): ParsedLimits {
  let json: unknown = {};
  if (raw && raw.trim() !== "") {
    try {
      json = JSON.parse(raw);
    } catch {
      return { ok: false, error: "RATE_LIMITS is not valid JSON" };
    }
  }
  const parsed = LimitsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `RATE_LIMITS.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
  }
  if (failOpenRaw !== undefined && failOpenRaw !== "" && failOpenRaw !== "true" && failOpenRaw !== "false") {
    return { ok: false, error: `RATE_LIMIT_FAIL_OPEN must be "true" or "false", got ${JSON.stringify(failOpenRaw)}` };
  }
  const base: PlanLimits = { ...BUILT_IN_DEFAULTS, ...parsed.data["default"] };
  const plans: Record<string, PlanLimits> = { default: base };
  for (const [name, row] of Object.entries(parsed.data)) plans[name] = { ...base, ...row };
  return { ok: true, value: { plans, failOpen: failOpenRaw !== "false" } };
}

export function ruleFor(config: LimitsConfig, plan: string | undefined, routeClass: RouteClass): Rule {
  const row = (plan !== undefined && Object.hasOwn(config.plans, plan) ? config.plans[plan] : undefined) ?? config.plans["default"] ?? BUILT_IN_DEFAULTS;
  return row[routeClass];
}
