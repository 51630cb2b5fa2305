// Development tokens for the local stack, signed with .dev.vars' JWT_SECRET and
// checked against the rules the local gateway applies, so a token printed here
// is one the gateway accepts as what it says (a tenant, or an operator).
import { mintDevToken } from "../eval/dev-token";
import { err, ok, type Result } from "../shared/result";
import { TENANT_ID } from "../shared/tenant-id";
import type { ScriptHost } from "./host";

export const ROLES = ["member", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface LocalAuth {
  secret: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
  /** Tokens of this tenant may be admins (OPERATOR_TENANT); others' `role: admin` is ignored. */
  operatorTenant: string;
  maxLifetimeSeconds: number;
}

/** .dev.vars first (it overrides), then the `local` environment of wrangler.gateway.toml, then the gateway's defaults. */
export async function localAuth(host: ScriptHost): Promise<LocalAuth> {
  const vars = host.devVars();
  const toml = (await host.readTextIfExists("wrangler.gateway.toml")) ?? "";
  const local = toml.slice(toml.indexOf("[env.local]"));
  const fromToml = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(local)?.[1] || undefined;
  const setting = (name: string) => vars[name] || fromToml(name);
  return {
    secret: vars["JWT_SECRET"],
    issuer: setting("JWT_ISSUER"),
    audience: setting("JWT_AUDIENCE"),
    operatorTenant: setting("OPERATOR_TENANT") ?? "operator",
    maxLifetimeSeconds: Number(setting("JWT_MAX_LIFETIME_SECONDS") ?? 86_400),
  };
}

export interface TokenRequest {
  sub: string;
  tenant: string;
  role: Role;
  ttlSeconds: number;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/** The token, or one line saying why the local gateway would not take it as asked. */
export async function signLocalToken(auth: LocalAuth, request: TokenRequest): Promise<Result<string, string>> {
  if (!auth.secret) return err("no JWT_SECRET in .dev.vars (run `npm run dev` once to create it)");
  if (!TENANT_ID.test(request.tenant)) return err(`tenant "${request.tenant}" is not a tenant id: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  if (request.role === "admin" && request.tenant !== auth.operatorTenant) {
    return err(`the gateway honours role admin only for the operator tenant "${auth.operatorTenant}" (OPERATOR_TENANT), not "${request.tenant}"`);
  }
  if (request.ttlSeconds > auth.maxLifetimeSeconds) return err(`--ttl ${request.ttlSeconds} is longer than the ${auth.maxLifetimeSeconds} s the gateway accepts (JWT_MAX_LIFETIME_SECONDS)`);
  return ok(
    await mintDevToken(auth.secret, {
      tenant: request.tenant,
      sub: request.sub,
      ...(request.role === "admin" ? { role: "admin" } : {}),
      issuer: request.issuer ?? auth.issuer,
      audience: request.audience ?? auth.audience,
      ttlSeconds: request.ttlSeconds,
    }),
  );
}
