// Which limit a request counts against, by route. One table, first match wins,
// so a feature that adds routes (AI, the backend proxy) adds a row here and
// gets per-tenant limits, headers and logs without touching the middleware.

export const ROUTE_CLASSES = ["ingest", "query", "read", "ai", "admin", "proxy"] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

interface RouteClassRule {
  /** Path prefix, matched on whole segments: "/v1/search" matches "/v1/search" and "/v1/search/x", not "/v1/searches". */
  prefix: string;
  /** Omitted: every method. */
  methods?: readonly string[];
  routeClass: RouteClass;
}

const RULES: readonly RouteClassRule[] = [
  { prefix: "/v1/documents", methods: ["POST", "DELETE"], routeClass: "ingest" },
  { prefix: "/v1/documents", routeClass: "read" },
  { prefix: "/v1/search", routeClass: "query" },
  { prefix: "/v1/ask", routeClass: "query" },
  { prefix: "/v1/chat", routeClass: "ai" },
  { prefix: "/v1/embeddings", routeClass: "ai" },
  { prefix: "/v1/models", routeClass: "ai" },
  { prefix: "/v1/feedback", routeClass: "ai" },
  { prefix: "/v1/admin", routeClass: "admin" },
  { prefix: "/api", routeClass: "proxy" },
];

/** Authenticated paths no rule names (typos, future routes) count as reads rather than going unlimited. */
const FALLBACK: RouteClass = "read";

export function routeClassOf(method: string, path: string): RouteClass {
  for (const rule of RULES) {
    const under = path === rule.prefix || path.startsWith(`${rule.prefix}/`);
    if (under && (!rule.methods || rule.methods.includes(method))) return rule.routeClass;
  }
  return FALLBACK;
}
