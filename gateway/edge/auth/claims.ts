// Verified token claims -> the caller. The one place that decides who a token
// speaks for, whichever way its signature was checked (shared secret today, a
// key set later): every rule about claims lives here, not in the verifier.
import type { JWTHeaderParameters, JWTPayload } from "jose";
import { err, ok, type Result } from "../../../shared/result";
import { TENANT_ID } from "../../../shared/tenant-id";
import type { Caller } from "../../context";
import { ApiError } from "../../errors";
import type { AuthSettings } from "./settings";

export const CLOCK_TOLERANCE_SECONDS = 30;
// The `plan` claim picks a row of rate limits (edge/limits/config.ts).
const PLAN = /^[A-Za-z0-9._-]{1,64}$/;

export const invalidToken = (message: string) => new ApiError("invalid_token", message, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
// RFC 8725 §3.11: explicit typing. Absent is tolerated (most issuers omit it);
// present, it must say this is a JWT and not some other signed object.
const JWT_TYPES = new Set(["jwt", "at+jwt"]);

export function callerFromClaims(
  payload: JWTPayload,
  header: Pick<JWTHeaderParameters, "typ">,
  settings: Pick<AuthSettings, "maxLifetimeSeconds" | "operatorTenant" | "operatorIssuer">,
  nowSeconds = Math.floor(Date.now() / 1000),
): Result<Caller, string> {
  if (header.typ !== undefined && !JWT_TYPES.has(header.typ.toLowerCase().replace(/^application\//, ""))) {
    return err("The token's `typ` header does not name a JWT.");
  }
  const { exp, iat, sub } = payload;
  if (exp === undefined) return err("The token's `exp` claim is missing.");
  if (iat !== undefined && iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) return err("The token's `iat` claim is in the future.");
  if (exp - (iat ?? nowSeconds) > settings.maxLifetimeSeconds) {
    return err(`The token lives longer than the ${settings.maxLifetimeSeconds} s this gateway accepts.`);
  }
  if (sub !== undefined && typeof sub !== "string") return err("The token's `sub` claim must be a string.");
  const tenant = payload["tenant"];
  if (tenant !== undefined && typeof tenant !== "string") return err("The token's `tenant` claim must be a string.");
  // Never coerced: 123 and "123.0" must not become the same tenant anywhere.
  const tenantId = tenant ?? sub;
  if (tenantId === undefined || !TENANT_ID.test(tenantId)) {
    return err("The token names no valid tenant (claim `tenant` or `sub`: letters, digits, '.', '_', '-').");
  }
  const plan = payload["plan"];
  if (plan !== undefined && (typeof plan !== "string" || !PLAN.test(plan))) return err("The token's `plan` claim must be a short string of letters, digits, '.', '_', '-'.");
  const claimedRole = typeof payload["role"] === "string" ? payload["role"] : "member";
  const operator =
    (settings.operatorTenant !== undefined && tenantId === settings.operatorTenant) ||
    (settings.operatorIssuer !== undefined && payload.iss === settings.operatorIssuer);
  // A tenant's own backend minting `role: admin` must not reach across tenants.
  const role = claimedRole === "admin" && !operator ? "member" : claimedRole;
  return ok({ tenantId, subject: sub ?? tenantId, role, plan });
}
