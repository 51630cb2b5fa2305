import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { isOpenAiPath, openAiErrorResponse } from "./ai/openai-error";
import { aiBodyLimit, aiRoutes } from "./ai/routes";
import type { AppEnv } from "./context";
import { requireAuth } from "./edge/auth/require-auth";
import { cors } from "./edge/cors";
import { limitAddress } from "./edge/limits/address";
import { admitTenant } from "./edge/limits/admit";
import { requestLog } from "./edge/request-log";
import { ApiError, type ErrorCode, errorBody } from "./errors";
import { jsonBodyLimit } from "./middleware/json-limit";
import { wrongMethod } from "./middleware/method-not-allowed";
import { securityHeaders } from "./middleware/security-headers";
import { releaseUnreadBody } from "./middleware/unread-body";
import { proxy } from "./proxy/app";
import { rollout } from "./proxy/rollout-middleware";
import { rolloutAdmin } from "./admin/rollout";
import { servedBy } from "./proxy/served-by";
import { admin } from "./routes/admin";
import { askRoute } from "./routes/ask";
import { documents } from "./routes/documents";
import { health } from "./routes/health";
import { searchRoute } from "./routes/search";
import { meterRequests } from "./usage/meter-requests";
import { adminUsageRoute } from "./usage/routes/admin-usage";
import { usageRoute } from "./usage/routes/usage";

// A client's own X-Request-Id is kept only if short and made of [A-Za-z0-9_=-]
// (hono checks the characters): it is echoed into headers and logs.
export const MAX_REQUEST_ID_LENGTH = 64;

// strict: false: /v1/documents/ is /v1/documents.
export const app = new Hono<AppEnv>({ strict: false });

// The edge: what every request passes through, in order.
app.use(requestId({ headerName: "X-Request-Id", limitLength: MAX_REQUEST_ID_LENGTH }));
app.use(requestLog);
app.use(securityHeaders);
// Before the 405s: a preflight is answered for any path.
app.use(cors);
app.use(servedBy);
app.use(releaseUnreadBody);
app.use(wrongMethod(app));
// Requests without a tenant are limited per address; /v1 requests per tenant (after auth).
app.use("*", async (c, next) => (c.req.path === "/v1" || c.req.path.startsWith("/v1/") ? next() : limitAddress(c, next)));
app.use("/v1/*", requireAuth, meterRequests);
// Before admission: it reads the JSON body of an AI route to reserve the request's estimated cost.
for (const path of ["/v1/search/*", "/v1/ask/*", "/v1/admin/*"]) app.use(path, jsonBodyLimit);
for (const path of ["/v1/chat/completions", "/v1/embeddings"]) app.use(path, aiBodyLimit);
app.use("/v1/*", admitTenant);

app.route("/health", health);
// After the tenant is admitted and before anything reads the body: a request for the backend is forwarded untouched.
app.use("/v1/*", rollout);
app.route("/v1/documents", documents);
app.route("/v1/search", searchRoute);
app.route("/v1/ask", askRoute);
app.route("/v1/admin/rollout", rolloutAdmin);
app.route("/v1/admin", admin);
app.route("/v1/usage", usageRoute);
app.route("/v1/admin/usage", adminUsageRoute);
app.route("/v1", aiRoutes);
// Last: whatever the gateway does not serve itself may belong to a backend (PROXY_CONFIG).
app.route("/", proxy);

app.notFound((c) => {
  const edge = c.get("edge");
  if (edge) edge.errorCode = "not_found";
  return c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`, c.get("requestId")), 404);
});

app.onError((error, c) => {
  // The OpenAI-compatible routes answer in OpenAI's error shape, so its SDKs raise their typed errors.
  if (isOpenAiPath(c.req.path)) return openAiErrorResponse(error, c);
  const id = c.get("requestId");
  const edge = c.get("edge");
  if (error instanceof ApiError) {
    if (edge) edge.errorCode = error.code;
    if (error.status >= 500) console.error("request failed", { requestId: id, code: error.code, message: error.message });
    return c.json(errorBody(error.code, error.message, id), error.status, error.headers);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code: ErrorCode = error.status === 404 ? "not_found" : error.status === 405 ? "method_not_allowed" : "invalid_request";
    if (edge) edge.errorCode = code;
    return c.json(errorBody(code, error.message || "The request is invalid.", id), error.status);
  }
  if (edge) edge.errorCode = "internal_error";
  console.error("unhandled error", { requestId: id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  return c.json(errorBody("internal_error", "Something went wrong on our side.", id), 500);
});
