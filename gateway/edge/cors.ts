// CORS for browser clients, answered here for every path (the preflight of a
// route that does not exist yet still gets its answer). Origins come from
// CORS_ALLOWED_ORIGINS: exact origins, or `https://*.example.com` for any
// subdomain (not the bare domain). A disallowed origin gets no
// Access-Control-Allow-Origin, which is how a browser is told no.
import { cors as honoCors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { edgeConfig } from "./config";

const MAX_AGE_SECONDS = 600;
const EXPOSED = ["X-Request-Id", "RateLimit", "RateLimit-Policy", "Retry-After", "X-Cache", "Age", "Location", "WWW-Authenticate", "X-Served-By"];

export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  for (const pattern of allowed) {
    if (pattern === origin) return true;
    const wildcard = pattern.match(/^(https?:\/\/)\*\.(.+)$/);
    if (wildcard && origin.startsWith(wildcard[1] ?? "") && origin.endsWith(`.${wildcard[2] ?? ""}`)) {
      const host = origin.slice((wildcard[1] ?? "").length, origin.length - (wildcard[2] ?? "").length - 1);
      if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(host)) return true;
    }
  }
  return false;
}

// hono's middleware per allow-list, built once: it is cheap but not free.
const middlewares = new WeakMap<readonly string[], ReturnType<typeof honoCors>>();

export const cors = createMiddleware<AppEnv>((c, next) => {
  const allowed = edgeConfig(c.env).corsOrigins;
  let middleware = middlewares.get(allowed);
  if (!middleware) {
    middleware = honoCors({
      origin: (origin) => (originAllowed(origin, allowed) ? origin : null),
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "X-Request-Id", "Cache-Control"],
      exposeHeaders: EXPOSED,
      maxAge: MAX_AGE_SECONDS,
    });
    middlewares.set(allowed, middleware);
  }
  return middleware(c, next);
});
