// A request body for tests of refused bodies: sent chunked (no Content-Length),
// recording how far the server read it.

/** A chunked body of `total` bytes that records how far it was read. */
export function trackedBody(total: number, fill = "a") {
  const piece = new TextEncoder().encode(fill.repeat(16 * 1024));
  const state = { sent: 0, finished: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.sent >= total) {
        state.finished = true;
        return controller.close();
      }
      state.sent += piece.byteLength;
      controller.enqueue(piece);
    },
  });
  return { stream, state };
}
