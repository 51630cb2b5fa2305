// Errors on the OpenAI-compatible routes speak OpenAI's shape,
//   { "error": { "message", "type", "code", "param" } }
// so the official SDKs raise their typed errors (BadRequestError,
// NotFoundError, RateLimitError, ...). The request id stays in X-Request-Id,
// which the SDKs read as the error's request id. Every other route keeps the
// gateway's own envelope (gateway/errors.ts).
import type { Context } from "hono";
import type { AppEnv } from "../context";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../errors";

export type OpenAiErrorType = "invalid_request_error" | "authentication_error" | "permission_error" | "not_found_error" | "rate_limit_error" | "api_error";

export interface OpenAiErrorBody {
  error: { message: string; type: OpenAiErrorType; code: string | null; param: string | null };
}

export class OpenAiError extends Error {
  override name = "OpenAiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: OpenAiErrorType,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

export const invalidParam = (param: string, message: string, code = "invalid_value") =>
  new OpenAiError(400, "invalid_request_error", code, message, param);

export const unsupportedParam = (param: string, model: string) =>
  new OpenAiError(400, "invalid_request_error", "unsupported_parameter", `Unsupported parameter: '${param}' is not supported with model ${model}.`, param);

export const modelNotFound = (model: string, kind: "chat" | "embedding") =>
  new OpenAiError(
    404,
    "invalid_request_error",
    "model_not_found",
    `The model \`${model}\` does not exist or is not served as a ${kind} model here; GET /v1/models lists what is.`,
    "model",
  );

export const modelsUnavailable = (retryAfterSeconds: number) =>
  new OpenAiError(503, "api_error", "model_unavailable", "No model could serve this request right now; try again shortly.", null, {
    "Retry-After": String(retryAfterSeconds),
  });

/** Paths whose errors take OpenAI's shape. */
export function isOpenAiPath(path: string): boolean {
  return /^\/v1\/(chat\/completions|embeddings|models)(\/|$)/.test(path);
}

const TYPE_BY_STATUS: Partial<Record<number, OpenAiErrorType>> = {
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  429: "rate_limit_error",
};

/** Any error thrown on an OpenAI path, as OpenAI's error response. Unknown errors are logged and hidden. */
export function openAiErrorResponse(error: Error, c: Context<AppEnv>): Response {
  let failure: OpenAiError;
  if (error instanceof OpenAiError) failure = error;
  else if (error instanceof ApiError) {
    const type = error.status >= 500 ? "api_error" : (TYPE_BY_STATUS[error.status] ?? "invalid_request_error");
    failure = new OpenAiError(error.status, type, error.code, error.message, null, error.headers);
  } else if (error instanceof HTTPException && error.status < 500) {
    failure = new OpenAiError(error.status, TYPE_BY_STATUS[error.status] ?? "invalid_request_error", "invalid_request", error.message || "The request is invalid.");
  } else {
    console.error("unhandled error", { requestId: c.get("requestId"), error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    failure = new OpenAiError(500, "api_error", "internal_error", "Something went wrong on our side.");
  }
  const edge = c.get("edge");
  if (edge) edge.errorCode = failure.code;
  if (failure.status >= 500) console.error("ai request failed", { requestId: c.get("requestId"), code: failure.code, message: failure.message });
  return c.json(failure.body(), failure.status, failure.headers);
}
