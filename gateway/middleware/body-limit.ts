// Request body limits that let go of what they refuse. hono's bodyLimit stops
// reading an oversized chunked body and leaves it half read: locally, workerd
// then holds the connection and the next request from any client waits 30 to
// 60 s (issue 7). Here a refused body is read to its end and let go of,
// whether it was too large by its Content-Length or found too large while
// reading; readCapped does the same for any handler that reads a body itself.
import type { Context, MiddlewareHandler } from "hono";
import type { ApiError } from "../errors";

export function limitBody<C extends Context>(maxBytes: number | ((c: C) => number), tooLarge: (max: number, c: C) => ApiError): MiddlewareHandler {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const max = typeof maxBytes === "number" ? maxBytes : maxBytes(c as C);
    const declared = c.req.header("Content-Length");
    if (declared !== undefined && !c.req.raw.headers.has("Transfer-Encoding")) {
      if (Number(declared) > max) {
        await discard(body);
        throw tooLarge(max, c as C);
      }
      return next();
    }
    // No length given (chunked): count while reading, and stop at the limit.
    const bytes = await readCapped(body, max);
    if (!bytes) throw tooLarge(max, c as C);
    c.req.raw = new Request(c.req.raw, { body: bytes });
    return next();
  };
}

/**
 * The whole body, or null when it is longer than `max` bytes: then it has
 * been read to its end (up to MAX_DRAIN_BYTES) and let go of, never left half read.
 */
export async function readCapped(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await drain(reader);
      return null;
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** Lets go of a body nobody will read, so the connection is free for the next request. */
export async function discard(body: ReadableStream | null): Promise<void> {
  if (body && !body.locked) await drain(body.getReader());
}

// Reading the rest is what frees the connection (cancelling alone does not,
// locally); past this much, the client is hostile and the connection can go.
const MAX_DRAIN_BYTES = 128 * 1024 * 1024;

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    for (let drained = 0; drained <= MAX_DRAIN_BYTES; ) {
      const { done, value } = await reader.read();
      if (done) return;
      drained += value.byteLength;
    }
    await reader.cancel("request body too large");
  } catch {
    // The client went away: nothing left to free.
  }
}
