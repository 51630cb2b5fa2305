// Raw calls to /v1/chat/completions, for tests that read headers and statuses.
import { authed } from "./api";

export function chatRequest(tenant: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return authed(tenant, "/v1/chat/completions", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } });
}

export const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: "auto", messages: [{ role: "user", content }], ...extra });

/** The parts of X-Model-Route as a record: class, reason, model, provider, fallback. */
export function route(response: Response): Record<string, string> {
  const header = response.headers.get("X-Model-Route") ?? "";
  return Object.fromEntries(header.split("; ").map((part) => part.split("=", 2) as [string, string]));
}
