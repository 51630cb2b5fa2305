// Bodies stream through the proxy both ways. A gateway that buffered would
// deadlock these tests: the upload stops producing until the backend has
// received its first megabytes, and the backend sends its second event only
// after the client has read the first one through the gateway.
import { describe, expect, it } from "vitest";
import { call } from "../../helpers/api";
import { backend, uniquePath } from "../../helpers/backends";
import { token } from "../../helpers/tokens";

const main = backend("main");
const MiB = 1024 * 1024;
const TOTAL_MIB = 100;

const chunkOf = (i: number) => new Uint8Array(MiB).fill(i % 251);

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("uploads", () => {
  it("streams a 100 MB upload to the backend while the client is still sending", async () => {
    const path = uniquePath("/api/uploads-stream");
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 8) {
          // The backend must already be receiving: a buffering proxy would still be waiting for the end.
          await until("the backend to receive the first megabyte", async () => {
            const [seen] = await main.requests(path);
            return seen && seen.bytes >= MiB ? seen : undefined;
          });
        }
        if (sent === TOTAL_MIB) return controller.close();
        controller.enqueue(chunkOf(sent++));
      },
    });
    const response = await call(path, { method: "POST", body, headers: { Authorization: `Bearer ${await token({ tenant: "acme" })}` } });
    // /api/uploads-stream is not a stand-in route: its 404 comes after it read the whole body.
    expect(response.status).toBe(404);
    await response.body?.cancel();

    const digest = new crypto.DigestStream("SHA-256");
    const writer = digest.getWriter();
    for (let i = 0; i < TOTAL_MIB; i++) await writer.write(chunkOf(i));
    await writer.close();
    const expected = [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const [seen] = await main.requests(path);
    expect(seen).toMatchObject({ bytes: TOTAL_MIB * MiB, sha256: expected, done: true });
  });
});

describe("server-sent events", () => {
  it("delivers the first event before the backend has finished the stream", async () => {
    const key = crypto.randomUUID();
    const response = await call(`/api/events?hold=${key}`, { headers: { Authorization: `Bearer ${await token({ tenant: "acme" })}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/event-stream");
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    if (!reader) throw new Error("no body");
    let text = "";
    // The backend is holding the rest until released: this read proves nothing waited for the end.
    const first = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the first event did not arrive while the backend held the stream")), 5_000)),
    ]);
    text += first.value ?? "";
    expect(text).toContain("event: first");
    expect(text).not.toContain("event: done");

    await backend("main").release(key);
    for (let part = await reader.read(); !part.done; part = await reader.read()) text += part.value;
    expect(text.match(/^event: \w+/gm)).toEqual(["event: first", "event: tick", "event: tick", "event: done"]);
  });
});
