// The OpenAI provider: the request passes through almost unchanged to any
// OpenAI-compatible base URL, with this deployment's key. Usage is always
// asked for in streams (for metering) and only shown to clients that asked.
// Upstream answers are untrusted: only known fields of errors are relayed.
import { err, ok } from "../../../shared/result";
import { isRecord } from "../json";
import type { ChatCompletion, ChatCompletionChunk, Usage } from "../openai-types";
import { ssePayloads } from "../sse";
import { withTimeout } from "../timeout";
import { failure, type ProviderClient, type ProviderFailure } from "./provider";
import { UpstreamChunk, UpstreamCompletion } from "./openai-shapes";
import { usageOf } from "./workers-ai-output";
import { estimateUsage } from "../usage-estimate";

export interface OpenAiSettings {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

export function openAiProvider(settings: OpenAiSettings, fetcher: typeof fetch = fetch): ProviderClient {
  const post = async (path: string, body: object, signal: AbortSignal) => {
    try {
      const response = await withTimeout(
        fetcher(`${settings.baseUrl.replace(/\/+$/, "")}${path}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${settings.apiKey}`, "Content-Type": "application/json" },
          body: JSON.stringify(body),
          signal,
        }),
        settings.timeoutMs,
      );
      if (response.ok) return ok(response);
      return err(await upstreamFailure(response));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return err(message === "timeout" ? failure("timeout", "OpenAI did not answer in time") : failure("error", `OpenAI unreachable: ${message.slice(0, 200)}`));
    }
  };
  return {
    async complete({ model, request, signal }) {
      const result = await post("/chat/completions", { ...request, model: model.id, stream: false, stream_options: undefined }, signal);
      if (!result.ok) return result;
      const body: unknown = await result.value.json().catch(() => undefined);
      if (!isRecord(body) || !UpstreamCompletion.safeParse(body).success) return err(failure("error", "OpenAI answered in an unknown shape"));
      const completion = body as unknown as ChatCompletion;
      const reported = usageOf(body["usage"]);
      if (reported) return ok({ completion, estimated: false });
      const text = completion.choices.map((c) => c.message.content ?? "").join("");
      return ok({ completion: { ...completion, usage: estimateUsage(request.messages, text) }, estimated: true });
    },
    async stream({ model, request, signal }) {
      const result = await post("/chat/completions", { ...request, model: model.id, stream: true, stream_options: { include_usage: true } }, signal);
      if (!result.ok) return result;
      const body = result.value.body;
      if (!body) return err(failure("error", "OpenAI sent an empty stream"));
      let usage: Usage | undefined;
      async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
        for await (const payload of ssePayloads(body as ReadableStream<Uint8Array>)) {
          const chunk: unknown = JSON.parse(payload);
          if (!isRecord(chunk)) throw new Error("OpenAI streamed an unknown shape");
          usage = usageOf(chunk["usage"]) ?? usage;
          // The usage-only chunk (choices: []) is re-made by the router when the client asked for it.
          if (Array.isArray(chunk["choices"]) && chunk["choices"].length === 0) continue;
          if (!UpstreamChunk.safeParse(chunk).success) throw new Error("OpenAI streamed an unknown shape");
          yield { ...(chunk as unknown as ChatCompletionChunk), usage: null };
        }
      }
      return ok({ chunks: chunks(), usage: () => usage });
    },
    async embed({ model, input, dimensions, signal }) {
      const result = await post("/embeddings", { model: model.id, input, encoding_format: "float", ...(dimensions ? { dimensions } : {}) }, signal);
      if (!result.ok) return result;
      const body: unknown = await result.value.json().catch(() => undefined);
      const data = isRecord(body) ? body["data"] : undefined;
      if (!isRecord(body) || !Array.isArray(data)) return err(failure("error", "OpenAI answered in an unknown shape"));
      const vectors = data.map((row: unknown) => (isRecord(row) && Array.isArray(row["embedding"]) ? (row["embedding"] as number[]) : []));
      const used = isRecord(body["usage"]) ? body["usage"]["prompt_tokens"] : undefined;
      return ok({ vectors, promptTokens: typeof used === "number" ? used : undefined });
    },
  };
}

async function upstreamFailure(response: Response): Promise<ProviderFailure> {
  const body: unknown = await response.json().catch(() => undefined);
  const error = isRecord(body) && isRecord(body["error"]) ? body["error"] : {};
  const message = typeof error["message"] === "string" ? error["message"].slice(0, 500) : `OpenAI answered ${response.status}`;
  const param = typeof error["param"] === "string" ? error["param"] : null;
  if (response.status === 429) return failure("unavailable", message);
  // Our key or base URL is wrong (401/403/404): the caller cannot fix it, another model may serve.
  if (response.status === 400 || response.status === 422) return failure("bad_request", message, param);
  return failure("error", `OpenAI answered ${response.status}: ${message}`);
}
