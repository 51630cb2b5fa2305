// JSON routes read JSON only: a body sent as a form or as text would
// otherwise reach validation as nothing and fail with a misleading message.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { mediaType } from "../upload";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (BODY_METHODS.has(c.req.method)) {
    const type = mediaType(c.req.header("Content-Type") ?? "");
    if (type !== "application/json" && !/^application\/[\w.-]+\+json$/.test(type)) {
      throw new ApiError("unsupported_media_type", `Send the body as JSON with Content-Type: application/json (got ${type || "no Content-Type"}).`);
    }
  }
  await next();
});
