// Token verification (RFC 8725). The algorithm is never taken on trust: the
// header's `alg` only picks which key source to ask, and each source accepts
// an explicit list: HS256 against JWT_SECRET; RS256 (RSA), ES256 (EC P-256)
// and EdDSA (Ed25519) against the identity provider's JWKS, where jose also
// refuses a key whose type does not fit the algorithm. `none`, `crit` headers
// jose does not implement, expired tokens and anything else fail as
// invalid_token. What the verified claims may say is decided in claims.ts,
// the same for both sources.
import { decodeProtectedHeader, errors, type JWTVerifyOptions, type JWTVerifyResult, jwtVerify, type ProtectedHeaderParameters } from "jose";
import type { Caller } from "../../context";
import { ApiError } from "../../errors";
import type { EdgeConfig } from "../config";
import { CLOCK_TOLERANCE_SECONDS, callerFromClaims, invalidToken } from "./claims";
import { jwksResolver, persistJwks } from "./jwks";
import { authSettings } from "./settings";

const SECRET_ALGORITHMS = ["HS256"];
const JWKS_ALGORITHMS = ["RS256", "ES256", "EdDSA", "Ed25519"];
// No honest token comes near this; a bigger one is refused before any parsing.
export const MAX_TOKEN_BYTES = 8 * 1024;

export interface VerifyDeps {
  env: GatewayEnv;
  config: EdgeConfig;
  waitUntil: (promise: Promise<unknown>) => void;
}

export async function verifyToken(token: string, deps: VerifyDeps): Promise<Caller> {
  const { env, config } = deps;
  const settings = authSettings(env);
  if (token.length > MAX_TOKEN_BYTES) throw invalidToken(`The token is larger than ${MAX_TOKEN_BYTES} bytes.`);
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw invalidToken("The token is malformed.");
  }
  const issuers = [settings.issuer, settings.operatorIssuer].filter((iss) => iss !== undefined);
  const options: JWTVerifyOptions = {
    requiredClaims: ["exp"],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(settings.issuer ? { issuer: issuers } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
  };
  let verified: JWTVerifyResult;
  try {
    if (config.jwks && typeof header.alg === "string" && JWKS_ALGORITHMS.includes(header.alg)) {
      verified = await verifyWithJwks(token, options, config.jwks, deps);
    } else {
      // With an identity provider the shared secret is optional: HS256 tokens then simply fail.
      if (!settings.secret) throw invalidToken("The token's algorithm is not accepted.");
      verified = await jwtVerify(token, settings.secret, { ...options, algorithms: SECRET_ALGORITHMS });
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw invalidToken(describeFailure(error, config.jwks !== null));
  }
  const caller = callerFromClaims(verified.payload, verified.protectedHeader, settings);
  if (!caller.ok) throw invalidToken(caller.error);
  return caller.value;
}

async function verifyWithJwks(token: string, options: JWTVerifyOptions, source: NonNullable<EdgeConfig["jwks"]>, deps: VerifyDeps): Promise<JWTVerifyResult> {
  const jwks = { url: source.url, cooldownSeconds: source.cooldownSeconds, kv: deps.env.EDGE_CACHE };
  const resolver = await jwksResolver(jwks);
  // A provider that cannot be read is an outage (503), not the caller's bad token.
  const keyFor: typeof resolver.keys = Object.assign(async (...args: Parameters<typeof resolver.keys>) => {
    try {
      return await resolver.keys(...args);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      console.error(JSON.stringify({ message: "identity provider keys unavailable", url: jwks.url.href, error: String(error) }));
      throw new ApiError("service_unavailable", "The identity provider's keys cannot be fetched right now; try again shortly.", { "Retry-After": "10" });
    }
  }, resolver.keys);
  try {
    return await jwtVerify(token, keyFor, { ...options, algorithms: JWKS_ALGORITHMS });
  } finally {
    deps.waitUntil(persistJwks(resolver, jwks).catch((error: unknown) => console.error(JSON.stringify({ message: "jwks not cached", error: String(error) }))));
  }
}

function describeFailure(error: unknown, haveJwks: boolean): string {
  if (error instanceof errors.JWTExpired) return "The token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's \`${error.claim}\` claim is missing or not accepted.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return `The token's algorithm is not accepted; use ${haveJwks ? "HS256, RS256, ES256 or EdDSA" : "HS256"}.`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature is invalid.";
  if (error instanceof errors.JWKSNoMatchingKey) return "The token's key is not in the identity provider's key set.";
  if (error instanceof errors.JOSEError) return "The token is malformed.";
  throw error;
}
