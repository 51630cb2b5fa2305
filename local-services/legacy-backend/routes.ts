// The stand-in's own API: what a team's existing backend serves behind the
// gateway (login, billing, chat history, uploads, events, and the RAG routes
// it served before they moved to the edge). It trusts the gateway's identity
// headers (X-Auth-User, X-Auth-Tenant), as a backend behind it may.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SignJWT } from "jose";
import type { LoggedRequest } from "./request-log.ts";

export interface RouteContext {
  name: string;
  jwtSecret: string;
  /** The request's body, read and hashed (resolves when it ends). */
  body: Promise<LoggedRequest>;
  /** The raw body text, for the few JSON routes (read by the caller on demand). */
  text: () => Promise<string>;
  hold: (key: string) => Promise<void>;
}

export const DEMO_USER = { email: "demo@example.com", password: "demo-password", sub: "demo-user", tenant: "demo", plan: "pro" };

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext, url: URL) => Promise<void>;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

const identity = (req: IncomingMessage) => ({ user: req.headers["x-auth-user"] ?? null, tenant: req.headers["x-auth-tenant"] ?? null });

const routes: Array<[method: string, path: RegExp, handler: Handler]> = [
  ["POST", /^\/api\/auth\/login$/, async (_req, res, ctx) => {
    let credentials: { email?: unknown; password?: unknown } = {};
    try {
      credentials = JSON.parse(await ctx.text()) as typeof credentials;
    } catch {
      return json(res, 400, { error: "invalid_json" });
    }
    if (credentials.email !== DEMO_USER.email || credentials.password !== DEMO_USER.password) {
      return json(res, 401, { error: "invalid_credentials" });
    }
    const token = await new SignJWT({ tenant: DEMO_USER.tenant, plan: DEMO_USER.plan, role: "member" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(DEMO_USER.sub)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(ctx.jwtSecret));
    json(res, 200, { token, tokenType: "Bearer", expiresIn: 3600, user: { id: DEMO_USER.sub, tenant: DEMO_USER.tenant, plan: DEMO_USER.plan } }, {
      "Set-Cookie": [`session=${DEMO_USER.sub}; Path=/; HttpOnly; SameSite=Lax`, "seen_login=1; Path=/"],
    });
  }],
  ["POST", /^\/api\/auth\/signup$/, async (_req, res, ctx) => {
    await ctx.body;
    json(res, 201, { id: "user-new", status: "pending_verification" }, { Location: "/api/users/user-new" });
  }],
  ["POST", /^\/api\/auth\/logout$/, async (_req, res) => {
    res.writeHead(303, { Location: "/", "Set-Cookie": "session=; Path=/; Max-Age=0" });
    res.end();
  }],
  ["GET", /^\/api\/billing\/plans$/, async (_req, res) => {
    json(res, 200, { plans: [{ id: "free", monthly: 0 }, { id: "pro", monthly: 49 }, { id: "enterprise", monthly: null }] });
  }],
  ["GET", /^\/api\/billing\/subscription$/, async (req, res) => {
    json(res, 200, { ...identity(req), plan: req.headers["x-auth-plan"] ?? "free", status: "active" });
  }],
  ["POST", /^\/api\/billing\/webhooks\/stripe$/, async (req, res, ctx) => {
    const body = await ctx.body;
    json(res, 200, { received: true, bytes: body.bytes, sha256: body.sha256, signature: req.headers["stripe-signature"] ?? null });
  }],
  ["GET", /^\/api\/chat\/history$/, async (req, res) => {
    json(res, 200, { ...identity(req), messages: [{ from: "backend", text: "Welcome back." }] });
  }],
  ["POST", /^\/api\/uploads$/, async (_req, res, ctx) => {
    const body = await ctx.body;
    json(res, 201, { bytes: body.bytes, sha256: body.sha256 });
  }],
  ["GET", /^\/api\/events$/, async (_req, res, ctx, url) => {
    // One event at once, the rest later: a buffering proxy would hold the first back.
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    res.write(`event: first\ndata: {"n":1}\n\n`);
    const hold = url.searchParams.get("hold");
    if (hold) await ctx.hold(hold);
    for (let n = 2; n <= (hold ? 3 : 5); n++) {
      if (!hold) await new Promise((resolve) => setTimeout(resolve, 1000));
      res.write(`event: tick\ndata: {"n":${n}}\n\n`);
    }
    res.end(`event: done\ndata: {}\n\n`);
  }],
  // The RAG routes as this backend served them before they moved to the edge.
  ["POST", /^\/v1\/(ask|search)$/, async (req, res, ctx) => {
    await ctx.body;
    json(res, 200, { servedBy: ctx.name, ...identity(req), answer: "The legacy backend has no answer.", results: [], citations: [] });
  }],
  ["GET", /^\/v1\/documents$/, async (req, res, ctx) => {
    json(res, 200, { servedBy: ctx.name, ...identity(req), documents: [], nextCursor: null });
  }],
];

/** /api/echo/*: answers with what arrived (and, on request, a status, a Location and cookies). */
const echo: Handler = async (req, res, ctx, url) => {
  const body = await ctx.body;
  const status = Number(url.searchParams.get("status") ?? 200);
  const headers: Record<string, string | string[]> = {
    "Content-Type": "application/json",
    // Hop-by-hop on the way back: the gateway must not pass these on.
    Connection: "keep-alive, X-Hop",
    "X-Hop": "backend-hop",
    "Keep-Alive": "timeout=5",
    // A backend cannot claim to be the edge.
    "X-Served-By": "edge",
  };
  const location = url.searchParams.get("location");
  if (location) headers["Location"] = location;
  const cookies = url.searchParams.getAll("cookie");
  if (cookies.length > 0) headers["Set-Cookie"] = cookies;
  res.writeHead(status, headers);
  res.end(JSON.stringify({ server: ctx.name, method: req.method, path: req.url, headers: req.headers, bytes: body.bytes, sha256: body.sha256 }));
};

export async function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, url: URL): Promise<void> {
  if (url.pathname.startsWith("/api/echo")) return echo(req, res, ctx, url);
  for (const [method, path, handler] of routes) {
    if (req.method === method && path.test(url.pathname)) return handler(req, res, ctx, url);
  }
  await ctx.body;
  json(res, 404, { error: "not_found", server: ctx.name });
}
