// Bearer JWT authentication (RFC 8725): HS256 only, shared with the legacy
// backend; `exp` required; `iss` / `aud` checked when configured. The tenant
// comes from the verified claims and nowhere else.
import { createMiddleware } from "hono/factory";
import { errors, jwtVerify, type JWTPayload } from "jose";
import type { AppEnv, Caller } from "../context";
import { ApiError } from "../errors";

const ALGORITHMS = ["HS256"];
const CLOCK_TOLERANCE_SECONDS = 30;
// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
const MIN_SECRET_BYTES = 32;
// Tenant ids name R2 prefixes and Vectorize namespaces (<= 64 bytes).
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const challenge = (error: string) => ({ "WWW-Authenticate": `Bearer error="${error}"` });

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Authorization");
  const token = header?.match(/^Bearer +([^\s]+)\s*$/i)?.[1];
  if (!token) {
    throw new ApiError("missing_token", "Send a bearer token: Authorization: Bearer <JWT>.", { "WWW-Authenticate": "Bearer" });
  }
  c.set("caller", await verify(token, c.env));
  await next();
});

export const requireRole = (role: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("caller").role !== role) throw new ApiError("forbidden", `This route requires the ${role} role.`);
    await next();
  });

async function verify(token: string, env: GatewayEnv): Promise<Caller> {
  const secret = new TextEncoder().encode(env.JWT_SECRET ?? "");
  if (secret.byteLength < MIN_SECRET_BYTES) {
    throw new ApiError("server_misconfigured", "The server's token secret is missing or too short.");
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ALGORITHMS,
      requiredClaims: ["exp"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
      ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
    }));
  } catch (error) {
    throw new ApiError("invalid_token", describeFailure(error), challenge("invalid_token"));
  }
  const claim = payload["tenant"];
  if (claim !== undefined && typeof claim !== "string") {
    throw new ApiError("invalid_token", "The token's `tenant` claim must be a string.", challenge("invalid_token"));
  }
  const tenantId = claim ?? payload.sub;
  if (!tenantId || !TENANT_ID.test(tenantId)) {
    throw new ApiError("invalid_token", "The token names no valid tenant (claim `tenant` or `sub`: letters, digits, '.', '_', '-').", challenge("invalid_token"));
  }
  const role = typeof payload["role"] === "string" ? payload["role"] : "member";
  return { tenantId, subject: payload.sub ?? tenantId, role };
}

function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's \`${error.claim}\` claim is missing or not accepted.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "The token's algorithm is not accepted; use HS256.";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature is invalid.";
  if (error instanceof errors.JOSEError) return "The token is malformed.";
  throw error;
}
