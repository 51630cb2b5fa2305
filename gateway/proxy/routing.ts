// Which proxy route a request belongs to, and the exact upstream URL it goes
// to. The URL is always a configured base with the request's path appended:
// nothing in a request (Host, X-Forwarded-Host, an absolute path, an encoded
// slash) can change the host a request is sent to.
import type { RouteConfig } from "./config";

/** The request path, or null when it hides a separator or a dot segment from prefix matching. */
export function checkedPath(url: URL): string | null {
  const path = url.pathname;
  // %2F, %5C and %2E would let "/api/auth/..%2Fadmin" match the login route's
  // auth rule here and reach /api/admin on a backend that decodes them.
  if (/%(2f|5c|2e)|\\|\/\//i.test(path)) return null;
  return path;
}

/** The longest prefix that matches whole segments: /api/billing matches /api/billing/x, not /api/billingx. */
export function matchPrefix<R extends { prefix: string }>(routes: readonly R[], path: string): R | undefined {
  let best: R | undefined;
  for (const route of routes) {
    const p = route.prefix;
    const matches = p === "/" || path === p || path.startsWith(`${p}/`);
    if (matches && (!best || p.length > best.prefix.length)) best = route;
  }
  return best;
}

export function upstreamUrl(base: string, incoming: URL): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/$/, "")}${incoming.pathname}`;
  url.search = incoming.search;
  return url;
}

export type ProxyRoute = RouteConfig;
