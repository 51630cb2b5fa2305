// X-Served-By on every response: "backend" when the proxy forwarded it (set
// in headers.ts, replacing whatever the backend said), "edge" otherwise.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";

export const servedBy = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.res.headers.has("X-Served-By")) c.res.headers.set("X-Served-By", "edge");
});
