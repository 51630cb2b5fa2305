// A known path with the wrong method is 405 with `Allow`, in the error envelope, not 404.
import type { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { AppEnv } from "../context";
import { errorBody } from "../errors";

export const wrongMethod = (app: Hono<AppEnv>) =>
  methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const edge = c.get("edge");
      if (edge) edge.errorCode = "method_not_allowed";
      return c.json(errorBody("method_not_allowed", `${c.req.method} is not allowed here; use ${methods.join(", ")}.`, c.get("requestId")), 405, {
        Allow: methods.join(", "),
      });
    },
  });
