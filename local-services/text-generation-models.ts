// The instruct models the local text generation stands in for, and what the
// emulation needs from each (cloudflare-docs src/content/workers-ai-models/*.json
// and workers-types' AiModels): the shape of its output, its context window
// and its default max_tokens.
//   "workers-ai":       Workers AI's own { response, usage } and `data: {"response":...}` events.
//   "chat-completions": the OpenAI chat.completion object; answers sit in
//                       choices[0].message.content, not in `response`.
// Models deprecated on 2026-05-30 (llama-2-7b-chat-int8, mistral-7b-instruct-v0.1,
// llama-3-8b-instruct, llama-3.1-8b-instruct, llama-3.1-70b-instruct,
// gemma-3-12b-it) are left out on purpose: like any model the service no
// longer has, they fail with "5007: No such model ...".

export type OutputFormat = "workers-ai" | "chat-completions";

export interface TextGenerationModel {
  format: OutputFormat;
  contextWindow: number;
  /** max_tokens when the caller sends none; undefined: only the context window bounds the answer. */
  defaultMaxTokens: number | undefined;
}

export const TEXT_GENERATION_MODELS = {
  "@cf/meta/llama-3.3-70b-instruct-fp8-fast": { format: "workers-ai", contextWindow: 24_000, defaultMaxTokens: 256 },
  // Its model page gives no context window; Llama 3.1's own is 128K.
  "@cf/meta/llama-3.1-8b-instruct-fast": { format: "workers-ai", contextWindow: 128_000, defaultMaxTokens: 256 },
  "@cf/meta/llama-3.1-8b-instruct-fp8": { format: "workers-ai", contextWindow: 32_000, defaultMaxTokens: 256 },
  "@cf/mistralai/mistral-small-3.1-24b-instruct": { format: "workers-ai", contextWindow: 128_000, defaultMaxTokens: 256 },
  "@cf/zai-org/glm-4.7-flash": { format: "chat-completions", contextWindow: 131_072, defaultMaxTokens: undefined },
  "@cf/google/gemma-4-26b-a4b-it": { format: "chat-completions", contextWindow: 256_000, defaultMaxTokens: undefined },
  "@cf/qwen/qwen3-30b-a3b-fp8": { format: "chat-completions", contextWindow: 32_768, defaultMaxTokens: 2_000 },
} as const satisfies Record<string, TextGenerationModel>;

export function textGenerationModel(model: string): TextGenerationModel | undefined {
  const models: Readonly<Record<string, TextGenerationModel>> = TEXT_GENERATION_MODELS;
  return Object.hasOwn(models, model) ? models[model] : undefined;
}
