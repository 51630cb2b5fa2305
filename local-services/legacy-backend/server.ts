// A stand-in for a team's existing backend: a real HTTP server (node:http),
// so the gateway's proxy is exercised over real sockets in `npm run dev`, in
// `npm test` and in the bench. Production code never knows it exists: it is
// just a URL in the local PROXY_CONFIG.
//
// Besides its API (routes.ts) it has control endpoints for people and tests
// watching the proxy, never proxied by the gateway's local config:
//   GET  /healthz                     200 {"status":"ok"}, or 503 after PUT /__control/health "down"
//   PUT  /__control/faults            body: a fault spec (faults.ts); "" clears
//   PUT  /__control/health            body: "up" | "down"
//   GET  /__control/requests?path=s   what arrived whose path contains s (headers, bytes, sha256)
//   POST /__control/release?key=k     lets a held /api/events?hold=k stream continue
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { drawFault, parseFaults, type Fault } from "./faults.ts";
import { RequestLog } from "./request-log.ts";
import { route } from "./routes.ts";
import { chatSockets } from "./chat-socket.ts";

export interface LegacyBackendOptions {
  /** Shown in answers, to tell instances apart when the gateway fails over. */
  name: string;
  jwtSecret: string;
  port?: number;
  host?: string;
  faults?: string;
  /** Do not keep the Node process alive (tests: the server lives as long as the run). */
  unref?: boolean;
}

export interface LegacyBackend {
  name: string;
  url: string;
  port: number;
  close(): Promise<void>;
}

// Small JSON bodies (login) are kept for the route; anything larger is only hashed.
const MAX_KEPT_BODY = 64 * 1024;

export async function startLegacyBackend(options: LegacyBackendOptions): Promise<LegacyBackend> {
  let faults: Fault[] = parseFaults(options.faults ?? "");
  let healthy = true;
  const log = new RequestLog();
  const holds = new Map<string, () => void>();
  const released = new Set<string>();
  const sockets = new Set<Socket>();
  const chat = chatSockets(log);

  const hold = (key: string) =>
    released.has(key) ? Promise.resolve() : new Promise<void>((resolve) => holds.set(key, resolve));

  const control = async (req: IncomingMessage, res: ServerResponse, url: URL, text: () => Promise<string>): Promise<void> => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { "Content-Type": "application/json" });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const path = url.pathname;
    if (path === "/__control/faults" && req.method === "PUT") {
      try {
        faults = parseFaults(await text());
        return send(204);
      } catch (error) {
        return send(400, { error: String(error) });
      }
    }
    if (path === "/__control/health" && req.method === "PUT") {
      healthy = (await text()).trim() !== "down";
      return send(204);
    }
    if (path === "/__control/requests" && req.method === "GET") return send(200, log.find(url.searchParams.get("path") ?? ""));
    if (path === "/__control/release" && req.method === "POST") {
      const key = url.searchParams.get("key") ?? "";
      released.add(key);
      holds.get(key)?.();
      holds.delete(key);
      return send(204);
    }
    return send(404, { error: "not_found" });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://backend.local");
    const { body } = log.start(req);
    const kept: Buffer[] = [];
    let keptBytes = 0;
    req.on("data", (chunk: Buffer) => {
      keptBytes += chunk.length;
      if (keptBytes <= MAX_KEPT_BODY) kept.push(chunk);
    });
    const text = async () => {
      await body;
      return keptBytes <= MAX_KEPT_BODY ? Buffer.concat(kept).toString("utf8") : "";
    };
    const handle = async () => {
      if (url.pathname.startsWith("/__control/")) return control(req, res, url, text);
      if (url.pathname === "/healthz") {
        res.writeHead(healthy ? 200 : 503, { "Content-Type": "application/json" });
        return res.end(JSON.stringify({ status: healthy ? "ok" : "down", server: options.name }));
      }
      const fault = drawFault(faults, url.pathname + url.search);
      if (fault?.kind === "reset") return void req.socket.destroy();
      if (fault?.kind === "hang") return;
      if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (fault?.kind === "status") {
        await body.catch(() => undefined);
        res.writeHead(fault.status, { "Content-Type": "application/json", "Retry-After": "1" });
        return res.end(JSON.stringify({ error: `injected_${fault.status}`, server: options.name }));
      }
      await route(req, res, { name: options.name, jwtSecret: options.jwtSecret, body, text, hold }, url);
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: "internal", detail: String(error) }));
    });
  });

  // Longer than the gateway keeps idle connections: a backend that closes a
  // kept-alive connection first races the proxy's next request on it, which
  // then fails as "connection lost" (true of any backend behind a proxy).
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://backend.local");
    const fault = drawFault(faults, url.pathname + url.search);
    if (url.pathname !== "/api/chat/ws" || fault !== undefined) return void socket.destroy();
    chat.upgrade(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  if (options.unref) server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    name: options.name,
    port,
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        chat.close();
        server.close(() => resolve());
      }),
  };
}
