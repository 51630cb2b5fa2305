// Bearer JWT authentication (RFC 8725): HS256 only, shared with the legacy
// backend; `iss` / `aud` checked when configured. The signature is checked
// here; what the claims may say is decided by auth/claims.ts.
import { createMiddleware } from "hono/factory";
import { errors, jwtVerify } from "jose";
import { CLOCK_TOLERANCE_SECONDS, callerFromClaims } from "../auth/claims";
import { authSettings } from "../auth/settings";
import type { AppEnv, Caller } from "../context";
import { ApiError } from "../errors";

const ALGORITHMS = ["HS256"];
// No honest token comes near this; a bigger one is refused before any parsing.
export const MAX_TOKEN_BYTES = 8 * 1024;

const challenge = (error: string) => ({ "WWW-Authenticate": `Bearer error="${error}"` });
const invalid = (message: string) => new ApiError("invalid_token", message, challenge("invalid_token"));

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
  const settings = authSettings(env);
  if (token.length > MAX_TOKEN_BYTES) throw invalid(`The token is larger than ${MAX_TOKEN_BYTES} bytes.`);
  const issuers = [settings.issuer, settings.operatorIssuer].filter((iss) => iss !== undefined);
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(token, settings.secret, {
      algorithms: ALGORITHMS,
      requiredClaims: ["exp"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      ...(settings.issuer ? { issuer: issuers } : {}),
      ...(settings.audience ? { audience: settings.audience } : {}),
    });
  } catch (error) {
    throw invalid(describeFailure(error));
  }
  const caller = callerFromClaims(verified.payload, verified.protectedHeader, settings);
  if (!caller.ok) throw invalid(caller.error);
  return caller.value;
}

function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's \`${error.claim}\` claim is missing or not accepted.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "The token's algorithm is not accepted; use HS256.";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature is invalid.";
  if (error instanceof errors.JOSEError) return "The token is malformed.";
  throw error;
}
