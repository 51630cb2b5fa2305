// PROXY_CONFIG: the upstreams (the team's existing backends) and the routes the
// gateway forwards to them. One JSON var, validated once per isolate; every
// limit has a default so a minimal config is short. Reference: README "Proxy configuration".
import { z } from "zod";

const name = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "lowercase letters, digits, '_' or '-', starting with a letter");

// A path prefix the gateway owns: plain path characters only, so that what is
// matched is exactly what is forwarded.
const prefix = z
  .string()
  .regex(/^\/(?:[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*)?$/, "a path like /api/billing (no trailing slash, no encoded characters)")
  .refine((p) => !p.split("/").some((s) => s === "." || s === ".."), "no . or .. segments");

const urlTarget = z
  .object({
    url: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).refine((raw) => {
      const u = new URL(raw);
      return u.username === "" && u.password === "" && u.search === "" && u.hash === "";
    }, "an http(s) base URL without credentials, query or fragment"),
  })
  .strict();

const serviceTarget = z.object({ service: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, "a service binding name") }).strict();

const breakerSettings = z
  .object({
    /** Consecutive failures of a target that open its breaker. */
    failureThreshold: z.int().min(1).max(100).default(5),
    /** How long an open target is skipped before one trial request may try it. */
    openMs: z.int().min(100).max(3_600_000).default(30_000),
    /** How long an isolate trusts its copy of the shared breaker state. */
    cacheMs: z.int().min(0).max(60_000).default(1_000),
  })
  .strict();

const upstream = z
  .object({
    targets: z.array(z.union([urlTarget, serviceTarget])).min(1).max(8),
    /** Probed by the Cron Trigger; a target answering anything but 2xx is taken out. */
    healthPath: z.string().regex(/^\/[A-Za-z0-9._~\/-]*$/).optional(),
    healthTimeoutMs: z.int().min(100).max(30_000).default(2_000),
    /** Overrides the top-level breaker settings for this upstream's targets. */
    breaker: breakerSettings.optional(),
  })
  .strict();

const forwarding = {
  upstream: name,
  /** Whole budget to get the response's headers, retries included (not the body: streams may be long). */
  timeoutMs: z.int().min(50).max(300_000).default(30_000),
  /** One attempt's budget, so a hanging target leaves time to fail over. Default: timeoutMs. */
  attemptTimeoutMs: z.int().min(50).max(300_000).optional(),
  /** Extra attempts for idempotent requests without a body, on connection failure, timeout, 502, 503 or 504. */
  retries: z.int().min(0).max(5).default(1),
  /** First backoff; doubles per retry, with jitter over its upper half. */
  retryBackoffMs: z.int().min(0).max(10_000).default(100),
};

const route = z
  .object({
    prefix,
    ...forwarding,
    /** required: a verified token; optional: verified if sent; none: never checked (login, signup, webhooks). */
    auth: z.enum(["required", "optional", "none"]),
    /** Accept WebSocket upgrades on this route (authenticated like any request of it). */
    websocket: z.boolean().default(false),
  })
  .strict();

const rolloutRoute = z
  .object({
    prefix,
    ...forwarding,
    /** The share (0-100) served at the edge until the rollout API sets one in KV. */
    defaultPercent: z.number().min(0).max(100).default(0),
  })
  .strict();



export const proxyConfigSchema = z
  .object({
    upstreams: z.record(name, upstream),
    routes: z.array(route).max(100).default([]),
    /** Edge routes that the backend also serves; the share sent to the edge is in KV (README "Gradual rollout"). */
    rollout: z.array(rolloutRoute).max(20).default([]),
    breaker: breakerSettings.default({ failureThreshold: 5, openMs: 30_000, cacheMs: 1_000 }),
    stripeWebhook: z
      .object({
        path: prefix.default("/api/billing/webhooks/stripe"),
        /** Stripe's default tolerance: 5 minutes between the signature's timestamp and now. */
        toleranceSeconds: z.int().min(1).max(3_600).default(300),
        maxBytes: z.int().min(1_024).max(10 * 1024 * 1024).default(1024 * 1024),
      })
      .strict()
      .default({ path: "/api/billing/webhooks/stripe", toleranceSeconds: 300, maxBytes: 1024 * 1024 }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const check = (upstreamName: string, path: (string | number)[]) => {
      if (!(upstreamName in config.upstreams)) ctx.addIssue({ code: "custom", path, message: `no upstream named "${upstreamName}"` });
    };
    const seen = new Set<string>();
    config.routes.forEach((r, i) => {
      check(r.upstream, ["routes", i, "upstream"]);
      if (seen.has(r.prefix)) ctx.addIssue({ code: "custom", path: ["routes", i, "prefix"], message: `duplicate prefix ${r.prefix}` });
      seen.add(r.prefix);
      // The gateway's own routes are never shadowed by a proxy route.
      if (r.prefix === "/" || ownedByGateway(r.prefix)) {
        ctx.addIssue({ code: "custom", path: ["routes", i, "prefix"], message: "must not cover the gateway's own /v1 or /health routes" });
      }
    });
    config.rollout.forEach((r, i) => {
      check(r.upstream, ["rollout", i, "upstream"]);
      // The rollout API itself must stay at the edge, or a bad config could lock operators out of the rollback.
      if (!r.prefix.startsWith("/v1/") || r.prefix === "/v1/admin" || r.prefix.startsWith("/v1/admin/")) {
        ctx.addIssue({ code: "custom", path: ["rollout", i, "prefix"], message: "must be an edge route under /v1/, outside /v1/admin" });
      }
    });
  });

const ownedByGateway = (p: string) => ["/v1", "/health"].some((own) => p === own || p.startsWith(`${own}/`));

export type ProxyConfig = z.infer<typeof proxyConfigSchema>;
export type UpstreamConfig = ProxyConfig["upstreams"][string];
export type RouteConfig = ProxyConfig["routes"][number];
export type RolloutRouteConfig = ProxyConfig["rollout"][number];
export type TargetConfig = UpstreamConfig["targets"][number];
