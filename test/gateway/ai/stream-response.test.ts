// The stream sent to the client: usage computed when the model reported none,
// and a client that leaves cancels the model's generation.
import { describe, expect, it } from "vitest";
import { ChatRequestSchema } from "../../../gateway/ai/chat-request";
import type { ChatCompletionChunk } from "../../../gateway/ai/openai-types";
import { pump } from "../../../gateway/ai/stream-response";
import { parseSse } from "../../helpers/sse";

const chunk = (delta: ChatCompletionChunk["choices"][number]["delta"], finish: "stop" | null = null): ChatCompletionChunk => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  system_fingerprint: null,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  usage: null,
});

const request = (includeUsage: boolean) =>
  ChatRequestSchema.parse({ messages: [{ role: "user", content: "Tell me about green tea please" }], stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) });

describe("the client's stream", () => {
  it("estimates usage for a model that reports none, in the last chunk when asked", async () => {
    async function* chunks() {
      yield chunk({ role: "assistant", content: "" });
      yield chunk({ content: "Green tea is steeped at eighty degrees." });
      yield chunk({}, "stop");
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const [end, text] = await Promise.all([pump({ chunks: chunks(), usage: () => undefined }, writable.getWriter(), request(true)), new Response(readable).text()]);
    expect(end.estimated).toBe(true);
    expect(end.usage.prompt_tokens).toBeGreaterThan(0);
    expect(end.usage.completion_tokens).toBeGreaterThan(0);
    const events = text.trimEnd().split("\n\n");
    expect(events.at(-1)).toBe("data: [DONE]");
    const parsed = parseSse(events.slice(0, -1).join("\n\n")).map((e) => e.data as ChatCompletionChunk);
    expect(parsed.at(-1)).toMatchObject({ choices: [], usage: end.usage });
    expect(parsed.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it("stops reading the model when the client goes away", async () => {
    let produced = 0;
    let closed = false;
    async function* chunks() {
      try {
        for (;;) {
          produced++;
          yield chunk({ content: "more " });
        }
      } finally {
        closed = true;
      }
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const reader = readable.getReader();
    const ending = pump({ chunks: chunks(), usage: () => undefined }, writable.getWriter(), request(false));
    await reader.read();
    await reader.read();
    await reader.cancel();
    const end = await ending;
    expect(end.outcome).toBe("cancelled");
    expect(closed).toBe(true);
    expect(produced).toBeLessThan(10);
  });
});
