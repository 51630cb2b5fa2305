// A request answered without reading its body (a 401, a 405, a 415) still has
// that body on the wire; left unread, it holds the connection. Read it out.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { discard } from "./body-limit";

export const releaseUnreadBody = createMiddleware<AppEnv>(async (c, next) => {
  const original = c.req.raw;
  try {
    await next();
  } finally {
    if (original.body && !original.bodyUsed) await discard(original.body);
  }
});
