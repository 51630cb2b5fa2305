// Copies a provider's chunks to the client as server-sent events. The stream
// belongs to the model that started it: if that model fails mid-way the
// client gets an OpenAI error event and the stream ends (it is never resumed
// on another model); a client that goes away cancels the upstream generation.
// Usage goes last, in a chunk with no choices, when the client asked for it.
// Every chunk carries the same id: the completion's receipt when there is one.
import type { ChatRequest } from "./chat-request";
import { OpenAiError } from "./openai-error";
import type { ChatCompletionChunk, Usage } from "./openai-types";
import type { ChatStream, ProviderFailure } from "./providers/provider";
import { SSE_DONE, sseEvent } from "./sse";
import { estimateUsage } from "./usage-estimate";

export interface StreamEnd {
  usage: Usage;
  estimated: boolean;
  outcome: "ok" | "failed" | "cancelled";
  failure: ProviderFailure | undefined;
}

/** Copies the chunks to the client (with `id` in place of the provider's, if given); a client that leaves cancels the upstream, an upstream that fails ends the stream with an error event. */
export async function pump(stream: ChatStream, writer: WritableStreamDefaultWriter<Uint8Array>, request: ChatRequest, id?: string): Promise<StreamEnd> {
  const includeUsage = request.stream_options?.include_usage === true;
  let text = "";
  let last: ChatCompletionChunk | undefined;
  let end: Pick<StreamEnd, "outcome" | "failure"> = { outcome: "ok", failure: undefined };
  for (;;) {
    let next: IteratorResult<ChatCompletionChunk>;
    try {
      next = await stream.chunks.next();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      end = { outcome: "failed", failure: { kind: "error", message, param: null } };
      console.error("ai stream failed", { message: message.slice(0, 300) });
      await writer.write(sseEvent(new OpenAiError(500, "api_error", "stream_failed", "The model failed while streaming its answer.").body())).catch(() => {});
      break;
    }
    if (next.done) break;
    const chunk = id === undefined ? next.value : { ...next.value, id };
    last = chunk;
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? "";
      for (const call of choice.delta.tool_calls ?? []) text += (call.function?.name ?? "") + (call.function?.arguments ?? "");
    }
    const { usage: _usage, ...bare } = chunk;
    try {
      await writer.write(sseEvent(includeUsage ? { ...chunk, usage: null } : bare));
    } catch {
      // The client went away: stop the upstream generation.
      end = { outcome: "cancelled", failure: undefined };
      await stream.chunks.return(undefined).catch(() => {});
      break;
    }
  }
  const reported = stream.usage();
  const usage = reported ?? estimateUsage(request.messages, text);
  if (end.outcome === "ok") {
    try {
      if (includeUsage && last) await writer.write(sseEvent({ ...last, choices: [], usage }));
      await writer.write(SSE_DONE);
    } catch {
      end = { outcome: "cancelled", failure: undefined };
    }
  }
  await writer.close().catch(() => {});
  return { usage, estimated: reported === undefined, ...end };
}
