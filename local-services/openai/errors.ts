// OpenAI's error responses, with the bodies, statuses and headers the real
// API sends (platform.openai.com/docs/guides/error-codes).
export function openAiError(status: number, message: string, type: string, code: string | null, param: string | null = null, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { message, type, param, code } }, { status, headers: { "x-request-id": `req_${crypto.randomUUID().replaceAll("-", "")}`, ...headers } });
}

export const OpenAiErrors = {
  invalidKey: () => openAiError(401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"),
  noSuchModel: (model: string) => openAiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found"),
  invalid: (message: string, param: string | null) => openAiError(400, message, "invalid_request_error", null, param),
  rateLimited: (model: string) =>
    openAiError(429, `Rate limit reached for ${model} on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.`, "requests", "rate_limit_exceeded", null, {
      "retry-after-ms": "120",
    }),
  server: () => openAiError(500, "The server had an error while processing your request. Sorry about that!", "server_error", null),
  notFound: (path: string) => openAiError(404, `Invalid URL (${path})`, "invalid_request_error", null),
} as const;
