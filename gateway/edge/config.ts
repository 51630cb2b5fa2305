// The edge layer's settings, parsed once per isolate (per env object) into a
// typed object. A bad setting answers 500 server_misconfigured on every
// request and logs which setting and why; it never half-applies.
import { z } from "zod";
import { ApiError } from "../errors";
import { type LimitsConfig, parseLimits } from "./limits/config";

export interface EdgeConfig {
  limits: LimitsConfig;
  cacheTtlSeconds: number;
  corsOrigins: readonly string[];
  jwks: { url: URL; cooldownSeconds: number } | null;
}

type EdgeVars = Partial<Record<"RATE_LIMITS" | "RATE_LIMIT_FAIL_OPEN" | "CACHE_TTL_SECONDS" | "CORS_ALLOWED_ORIGINS" | "JWT_JWKS_URL" | "JWT_JWKS_COOLDOWN_SECONDS", string>>;

const Origin = z.string().regex(/^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/, "must be an origin like https://app.example.com or https://*.example.com");
const Seconds = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : Number(v)))
    .pipe(z.number({ error: `${name} must be a number` }).int(`${name} must be whole seconds`).min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

const Schema = z.object({
  CACHE_TTL_SECONDS: Seconds("CACHE_TTL_SECONDS", 300, 1, 7 * 86_400),
  JWT_JWKS_COOLDOWN_SECONDS: Seconds("JWT_JWKS_COOLDOWN_SECONDS", 30, 0, 3600),
  CORS_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((o) => o.trim()).filter((o) => o !== ""))
    .pipe(z.array(Origin)),
  JWT_JWKS_URL: z.union([z.literal(""), z.url({ protocol: /^https?$/, error: "JWT_JWKS_URL must be an http(s) URL" })]).optional(),
});

const parsed = new WeakMap<object, EdgeConfig | ApiError>();

export function edgeConfig(env: EdgeVars): EdgeConfig {
  let config = parsed.get(env);
  if (!config) {
    config = parse(env);
    parsed.set(env, config);
  }
  if (config instanceof ApiError) throw config;
  return config;
}

function parse(env: EdgeVars): EdgeConfig | ApiError {
  const limits = parseLimits(env.RATE_LIMITS, env.RATE_LIMIT_FAIL_OPEN);
  const rest = Schema.safeParse(env);
  const problem = !limits.ok ? limits.error : !rest.success ? rest.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : null;
  if (problem !== null || !limits.ok || !rest.success) {
    console.error(JSON.stringify({ message: "edge configuration invalid", problem }));
    return new ApiError("server_misconfigured", "The server's edge configuration is invalid.");
  }
  const { CACHE_TTL_SECONDS, JWT_JWKS_COOLDOWN_SECONDS, CORS_ALLOWED_ORIGINS, JWT_JWKS_URL } = rest.data;
  return {
    limits: limits.value,
    cacheTtlSeconds: CACHE_TTL_SECONDS,
    corsOrigins: CORS_ALLOWED_ORIGINS,
    jwks: JWT_JWKS_URL ? { url: new URL(JWT_JWKS_URL), cooldownSeconds: JWT_JWKS_COOLDOWN_SECONDS } : null,
  };
}
