// Server-sent events as the Workers AI binding streams them: each payload as
// one `data: <payload>\n\n` event, as bytes, one every `delayMs` so a reader
// can watch them arrive. An identity stream holds nothing, so each write
// waits for the reader to take the event; once the reader cancels, the next
// write fails and production stops there (at most one payload is made that is
// never sent). In the same isolate that failure also returns the payload
// iterator, running a generator's `finally`; across a service binding
// workerd leaves that write pending instead, which stops production just the same.

export function sseStream(payloads: Iterable<string>, delayMs: number): ReadableStream<Uint8Array> {
  const { readable, writable } = new IdentityTransformStream();
  void produce(payloads[Symbol.iterator](), writable.getWriter(), delayMs);
  return readable;
}

async function produce(payloads: Iterator<string>, writer: WritableStreamDefaultWriter<Uint8Array>, delayMs: number): Promise<void> {
  const encoder = new TextEncoder();
  try {
    for (let first = true; ; first = false) {
      if (!first) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const next = payloads.next();
      if (next.done) break;
      await writer.write(encoder.encode(`data: ${next.value}\n\n`));
    }
    await writer.close();
  } catch {
    // The reader cancelled: there is nobody left to tell.
  } finally {
    payloads.return?.();
  }
}
