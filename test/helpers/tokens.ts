// Tokens for tests, signed the way the legacy backend signs them.
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";

export const secretKey = () => new TextEncoder().encode(env.JWT_SECRET);

export interface TokenOptions {
  sub?: string;
  tenant?: string;
  role?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  secret?: Uint8Array;
  claims?: Record<string, unknown>;
}

export async function token(options: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = { ...options.claims };
  if (options.tenant !== undefined) claims["tenant"] = options.tenant;
  if (options.role !== undefined) claims["role"] = options.role;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(options.sub ?? "user-1")
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 600))
    .sign(options.secret ?? secretKey());
}

/** A fresh tenant per test keeps tests independent whatever storage they share. */
export function uniqueTenant(prefix = "t"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}`;
}
