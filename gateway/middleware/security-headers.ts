// Headers every response carries. The API serves JSON and event streams, never
// pages: nothing of it may be framed, run as script or sniffed as another type,
// and tenant data must not sit in shared caches unless a cache layer decided so.
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../context";

const hardened = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  xFrameOptions: "DENY",
});

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await hardened(c, async () => {
    await next();
    // A cache layer that sets its own Cache-Control wins; everything else is private to this request.
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });
});
