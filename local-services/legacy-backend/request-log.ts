// What the stand-in received, for people watching the proxy (GET /__control/requests)
// and for tests that check what reached the backend. Bodies are hashed as they
// stream in, never kept, so a 100 MB upload costs no memory here either.
import { createHash, type Hash } from "node:crypto";
import type { IncomingMessage } from "node:http";

export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  bytes: number;
  sha256: string | null;
  done: boolean;
  /** The client went away before the body ended. */
  aborted?: boolean;
  /** The WebSocket of this request was closed (by either side). */
  closed?: { code: number; reason: string };
}

const CAPACITY = 5000;

export class RequestLog {
  #entries: LoggedRequest[] = [];
  #seq = 0;

  /** Records the request and hashes its body as it is read; resolves when the body ends. */
  start(req: IncomingMessage): { entry: LoggedRequest; body: Promise<LoggedRequest> } {
    const entry: LoggedRequest = {
      seq: ++this.#seq,
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: headersOf(req),
      bytes: 0,
      sha256: null,
      done: false,
    };
    this.#entries.push(entry);
    if (this.#entries.length > CAPACITY) this.#entries.shift();
    const hash: Hash = createHash("sha256");
    const body = new Promise<LoggedRequest>((resolve, reject) => {
      req.on("data", (chunk: Buffer) => {
        entry.bytes += chunk.length;
        hash.update(chunk);
      });
      req.on("end", () => {
        entry.sha256 = hash.digest("hex");
        entry.done = true;
        resolve(entry);
      });
      req.on("error", reject);
    });
    // A client (the gateway, on a timeout) may abort mid-body: that is an
    // outcome to record, not an unhandled rejection that takes the process down.
    body.catch(() => {
      entry.aborted = true;
    });
    return { entry, body };
  }

  find(pathContains: string): LoggedRequest[] {
    return this.#entries.filter((e) => e.path.includes(pathContains));
  }
}

export function headersOf(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = value;
  return out;
}
