// The token rules a deployment chooses, parsed once per set of bindings with
// zod; a bad value is a server misconfiguration whose message names the setting.
import { z } from "zod";
import { ApiError } from "../../errors";
import { longEnoughForHmac, MIN_HMAC_SECRET_BYTES } from "../../hmac-secret";
const DAY_SECONDS = 24 * 3600;

const optional = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined);

const Settings = z.object({
  // Optional only when an identity provider (JWT_JWKS_URL) signs the tokens instead.
  JWT_SECRET: optional.refine((secret) => secret === undefined || longEnoughForHmac(secret), `must be at least ${MIN_HMAC_SECRET_BYTES} bytes`),
  JWT_JWKS_URL: optional,
  JWT_ISSUER: optional,
  JWT_AUDIENCE: optional,
  JWT_MAX_LIFETIME_SECONDS: optional
    .transform((value) => (value === undefined ? DAY_SECONDS : Number(value)))
    .pipe(z.number({ error: "must be a number of seconds" }).int("must be a whole number of seconds").positive("must be positive")),
  OPERATOR_TENANT: optional,
  OPERATOR_ISSUER: optional,
}).refine((value) => value.JWT_SECRET !== undefined || value.JWT_JWKS_URL !== undefined, { path: ["JWT_SECRET"], message: "is missing (set it, or JWT_JWKS_URL)" });

export interface AuthSettings {
  /** The HS256 key; undefined when only the identity provider's tokens are accepted. */
  secret: Uint8Array | undefined;
  issuer: string | undefined;
  audience: string | undefined;
  /** Longest accepted token lifetime: `exp - iat`, or `exp - now` without `iat`. */
  maxLifetimeSeconds: number;
  /** Tokens of this tenant (or issuer) may carry `role: admin`; nobody else's admin role counts. */
  operatorTenant: string | undefined;
  operatorIssuer: string | undefined;
}

const parsed = new WeakMap<object, AuthSettings>();

export function authSettings(env: GatewayEnv): AuthSettings {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = Settings.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const setting = String(issue?.path[0] ?? "a token setting");
    console.error("server misconfigured", { setting, problem: issue?.message });
    throw new ApiError("server_misconfigured", `The server's ${setting} setting ${issue?.message ?? "is invalid"}.`);
  }
  const value = result.data;
  const settings: AuthSettings = {
    secret: value.JWT_SECRET === undefined ? undefined : new TextEncoder().encode(value.JWT_SECRET),
    issuer: value.JWT_ISSUER,
    audience: value.JWT_AUDIENCE,
    maxLifetimeSeconds: value.JWT_MAX_LIFETIME_SECONDS,
    operatorTenant: value.OPERATOR_TENANT,
    operatorIssuer: value.OPERATOR_ISSUER,
  };
  parsed.set(env, settings);
  return settings;
}
