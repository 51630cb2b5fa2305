// Bearer JWT authentication for /v1/*. The tenant comes from the verified
// claims and nowhere else (see verify.ts and claims.ts). Failures count
// against the client address's first-layer limit (limits/address.ts).
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";
import { edgeConfig } from "../config";
import { countAuthFailure, refuseBlockedAddress } from "../limits/address";
import { waitUntil } from "../wait-until";
import { verifyToken } from "./verify";

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  refuseBlockedAddress(c);
  const config = edgeConfig(c.env);
  const header = c.req.header("Authorization");
  const token = header?.match(/^Bearer +([^\s]+)\s*$/i)?.[1];
  try {
    if (!token) {
      throw new ApiError("missing_token", "Send a bearer token: Authorization: Bearer <JWT>.", { "WWW-Authenticate": "Bearer" });
    }
    c.set("caller", await verifyToken(token, { env: c.env, config, waitUntil: (p) => waitUntil(c, p) }));
  } catch (error) {
    if (error instanceof ApiError && (error.code === "missing_token" || error.code === "invalid_token")) await countAuthFailure(c);
    throw error;
  }
  await next();
});

export const requireRole = (role: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("caller").role !== role) throw new ApiError("forbidden", `This route requires the ${role} role.`);
    await next();
  });
