// Header rules between client and backend. The backend may trust X-Auth-* and
// X-Forwarded-*: whatever a client sends under those names is removed first,
// and only the gateway's verified values are set.
import type { Caller } from "../context";

// RFC 9110 §7.6.1, plus the de-facto ones proxies drop.
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];

// Set only by the gateway; a client's copy could impersonate another user or address.
const CLIENT_MUST_NOT_SET = /^(x-auth-|x-forwarded-|forwarded$|x-real-ip$|x-request-id$|cf-|x-served-by$)/i;

export interface ForwardContext {
  requestId: string;
  clientIp: string | null;
  /** The host and scheme the client used. */
  url: URL;
  caller: Caller | null;
}

export function upstreamRequestHeaders(incoming: Headers, ctx: ForwardContext, { websocket = false } = {}): Headers {
  const headers = withoutHopByHop(incoming);
  for (const name of [...headers.keys()]) if (CLIENT_MUST_NOT_SET.test(name)) headers.delete(name);
  // Host comes from the target URL.
  headers.delete("host");
  if (websocket) headers.set("Upgrade", "websocket");
  headers.set("X-Request-Id", ctx.requestId);
  if (ctx.clientIp) headers.set("X-Forwarded-For", ctx.clientIp);
  headers.set("X-Forwarded-Proto", ctx.url.protocol.replace(":", ""));
  headers.set("X-Forwarded-Host", ctx.url.host);
  if (ctx.caller) {
    headers.set("X-Auth-User", ctx.caller.subject);
    headers.set("X-Auth-Tenant", ctx.caller.tenantId);
    headers.set("X-Auth-Role", ctx.caller.role);
    if (ctx.caller.plan) headers.set("X-Auth-Plan", ctx.caller.plan);
  }
  return headers;
}

/** The backend's headers for the client: unchanged (Set-Cookie, Location...) except hop-by-hop ones. */
export function clientResponseHeaders(upstream: Headers, requestId: string): Headers {
  const headers = withoutHopByHop(upstream);
  headers.set("X-Served-By", "backend");
  headers.set("X-Request-Id", requestId);
  return headers;
}

function withoutHopByHop(source: Headers): Headers {
  const headers = new Headers(source);
  // Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
  const named = (source.get("connection") ?? "").split(",").map((n) => n.trim().toLowerCase()).filter((n) => n !== "");
  for (const name of [...HOP_BY_HOP, ...named]) headers.delete(name);
  return headers;
}
