// Tokens the eval command signs itself for the local stack, with the development
// secret from .dev.vars, the way `npm run token` does.
import { decodeJwt, SignJWT } from "jose";

export interface DevTokenClaims {
  tenant: string;
  sub?: string;
  role?: string;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Long enough for a large ingest followed by several query runs. */
  ttlSeconds?: number;
}

export async function mintDevToken(secret: string, claims: DevTokenClaims): Promise<string> {
  // One clock reading for both claims: read twice, a second boundary between
  // them made the lifetime one second off (and the gateway caps lifetimes).
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ tenant: claims.tenant, ...(claims.role ? { role: claims.role } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub ?? "eval")
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.ttlSeconds ?? 6 * 3600));
  if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** The tenant a token names (unverified: only for messages), as the gateway reads it. */
export function tenantOfToken(token: string): string | null {
  try {
    const claims = decodeJwt(token);
    const tenant = typeof claims["tenant"] === "string" ? claims["tenant"] : claims.sub;
    return tenant ?? null;
  } catch {
    return null;
  }
}

/** A new tenant name per run, sortable by time: eval-20261105-143012-k3f9. */
export function freshTenantName(now = new Date(), random = Math.random): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  const suffix = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, "0");
  return `eval-${stamp}-${suffix}`;
}
