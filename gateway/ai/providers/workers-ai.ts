// The Workers AI provider: the AI binding's run(), with the transforms in
// workers-ai-input/-output/-stream.ts. The binding throws errors whose
// message starts with the service's code ("3040: Capacity temporarily
// exceeded..."), which is all there is to tell failures apart.
import { err, ok } from "../../../shared/result";
import { maxTokensOf } from "../chat-request";
import { ssePayloads } from "../sse";
import { withTimeout } from "../timeout";
import { chatCompletionOf, draftOf } from "./workers-ai-output";
import { workersAiInput } from "./workers-ai-input";
import { openAiChunks } from "./workers-ai-stream";
import { failure, type ProviderClient, type ProviderFailure } from "./provider";
import { estimateUsage } from "../usage-estimate";

// Model names are configuration, not the compile-time list in workers-types.
type AiRun = { run(model: string, input: object): Promise<unknown> };

const PARALLEL_EMBEDDING_CALLS = 4;

export function workersAiProvider(ai: Ai, timeoutMs: number): ProviderClient {
  // Called as a method: a service-binding stub cannot be re-bound as `this`.
  const binding = ai as unknown as AiRun;
  const run = async (model: string, input: object) => {
    try {
      return ok(await withTimeout(binding.run(model, input), timeoutMs));
    } catch (error) {
      return err(failureOf(error));
    }
  };
  return {
    async complete({ model, request }) {
      const result = await run(model.id, workersAiInput(model, request, false));
      if (!result.ok) return result;
      const draft = draftOf(result.value);
      if (!draft) return err(failure("error", "Workers AI answered in an unknown shape"));
      const usage = draft.usage ?? estimateUsage(request.messages, draft.content ?? JSON.stringify(draft.toolCalls));
      return ok({ completion: chatCompletionOf(draft, model.id, usage, maxTokensOf(request)), estimated: draft.usage === undefined });
    },
    async stream({ model, request }) {
      const result = await run(model.id, workersAiInput(model, request, true));
      if (!result.ok) return result;
      if (!(result.value instanceof ReadableStream)) return err(failure("error", "Workers AI did not stream"));
      return ok(openAiChunks(ssePayloads(result.value as ReadableStream<Uint8Array>), model.id, maxTokensOf(request)));
    },
    async embed({ model, input }) {
      const batches: string[][] = [];
      for (let i = 0; i < input.length; i += model.maxBatch) batches.push(input.slice(i, i + model.maxBatch));
      const vectors: number[][][] = new Array<number[][]>(batches.length);
      let next = 0;
      let failed: ProviderFailure | undefined;
      const worker = async () => {
        while (failed === undefined && next < batches.length) {
          const index = next++;
          const batch = batches[index] ?? [];
          const result = await run(model.id, { text: batch });
          if (!result.ok) failed = result.error;
          else {
            const data = (result.value as { data?: unknown }).data;
            if (!Array.isArray(data) || data.length !== batch.length) failed = failure("error", "Workers AI returned a wrong number of vectors");
            else vectors[index] = data as number[][];
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_EMBEDDING_CALLS, batches.length) }, worker));
      if (failed) return err(failed);
      return ok({ vectors: vectors.flat(), promptTokens: undefined });
    },
  };
}

function failureOf(error: unknown): ProviderFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (message === "timeout") return failure("timeout", "Workers AI did not answer in time");
  const code = /^(?:\w+: )?(\d{4})\b/.exec(message)?.[1];
  // 3040: out of capacity; 3036: daily allocation used up; both arrive as 429s.
  if (code === "3040" || code === "3036" || /\b429\b|rate limit/i.test(message)) return failure("unavailable", message.slice(0, 200));
  // 5006: input fails the model's schema; 5021: prompt + max_tokens exceed the context window.
  if (code === "5006" || code === "5021") return failure("bad_request", message.slice(0, 300));
  return failure("error", message.slice(0, 200));
}
