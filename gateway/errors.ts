// The one error envelope: { "error": { "code", "message", "requestId" } }.
// Codes are stable strings a client can branch on; messages are for people
// and never carry internals.
import type { ContentfulStatusCode } from "hono/utils/http-status";

const ERROR_STATUS = {
  invalid_request: 400,
  invalid_cursor: 400,
  empty_document: 400,
  invalid_multipart: 400,
  invalid_webhook_signature: 400,
  missing_token: 401,
  invalid_token: 401,
  forbidden: 403,
  not_found: 404,
  document_not_found: 404,
  request_not_found: 404,
  method_not_allowed: 405,
  document_too_large: 413,
  request_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  budget_exceeded: 429,
  tokens_rate_limited: 429,
  internal_error: 500,
  server_misconfigured: 500,
  model_error: 502,
  service_unavailable: 503,
  model_unavailable: 503,
  upstream_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = ERROR_STATUS[code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error: { code, message, requestId } };
}
