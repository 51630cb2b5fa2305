// Server-sent events in and out: the `data:` payloads of an upstream stream
// (Workers AI and OpenAI both end theirs with `data: [DONE]`), and the bytes
// of one event for the client.

/** Each event's data, until [DONE] or the end. Leaving the loop early cancels the upstream body. */
export async function* ssePayloads(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        const last = dataOf(buffer);
        if (last !== undefined && last !== "[DONE]") yield last;
        return;
      }
      buffer += value;
      let end: RegExpExecArray | null;
      while ((end = /\r?\n\r?\n/.exec(buffer))) {
        const block = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        const data = dataOf(block);
        if (data === undefined) continue;
        if (data === "[DONE]") return;
        yield data;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The data lines of one event joined, or undefined for a comment or an empty block. */
function dataOf(block: string): string | undefined {
  const lines = block
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).replace(/^ /, ""));
  return lines.length === 0 ? undefined : lines.join("\n");
}

const encoder = new TextEncoder();

export const sseEvent = (payload: unknown): Uint8Array => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
export const SSE_DONE = encoder.encode("data: [DONE]\n\n");
