// The stand-in's real-time chat: a WebSocket echo. It greets with the identity
// the gateway vouched for, echoes every message, and closes with 4000 "bye"
// when asked to ("close"), so a client can see either side's close go through.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { RequestLog } from "./request-log.ts";

export function chatSockets(log: RequestLog) {
  const wss = new WebSocketServer({ noServer: true });
  return {
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      const { entry } = log.start(req);
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(JSON.stringify({ type: "welcome", user: req.headers["x-auth-user"] ?? null, tenant: req.headers["x-auth-tenant"] ?? null }));
        ws.on("message", (data, isBinary) => {
          const text = isBinary ? `<${(data as Buffer).length} bytes>` : String(data);
          if (text === "close") return ws.close(4000, "bye");
          ws.send(`echo: ${text}`);
        });
        ws.on("close", (code, reason) => {
          entry.closed = { code, reason: reason.toString() };
        });
      });
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
