// The models this gateway can serve, as data: which provider runs each, the
// names a client may use for it, the request parameters it can honour and its
// limits. Adding a model is a row here; the router and transforms never name
// models. Prices live in their own table keyed by the same ids (usage issue).
// Workers AI rows are current models only: those retired on 2026-05-30
// (llama-2-7b-chat-int8, mistral-7b-instruct-v0.1, llama-3-8b-instruct,
// llama-3.1-8b-instruct, llama-3.1-70b-instruct, gemma-3-12b-it) are absent,
// so naming one answers model_not_found.

export type Provider = "workers-ai" | "openai";

/** Optional chat parameters whose support differs between models. */
export type ChatParameter =
  | "temperature"
  | "top_p"
  | "max_tokens"
  | "stop"
  | "seed"
  | "response_format"
  | "tools"
  | "tool_choice"
  | "presence_penalty"
  | "frequency_penalty"
  | "n"
  | "parallel_tool_calls";

/** How a Workers AI chat model answers: its own `{ response, tool_calls, usage }` or OpenAI's chat.completion. */
export type WorkersAiOutput = "workers-ai" | "chat-completions";

export interface ChatModel {
  kind: "chat";
  id: string;
  provider: Provider;
  aliases: readonly string[];
  supports: ReadonlySet<ChatParameter>;
  contextWindow: number;
  /** The most output tokens one answer may ask for. */
  maxOutputTokens: number;
  /** Workers AI only: the shape of its output. */
  output?: WorkersAiOutput;
}

export interface EmbeddingModel {
  kind: "embedding";
  id: string;
  provider: Provider;
  aliases: readonly string[];
  dimensions: number;
  /** Whether `dimensions` may ask for shorter vectors (OpenAI's text-embedding-3 models). */
  shortenable: boolean;
  /** Texts per upstream call. */
  maxBatch: number;
}

export type Model = ChatModel | EmbeddingModel;

const SAMPLING: ChatParameter[] = ["temperature", "top_p", "max_tokens", "seed", "presence_penalty", "frequency_penalty"];
const OPENAI_CHAT = new Set<ChatParameter>([...SAMPLING, "stop", "response_format", "tools", "tool_choice", "n", "parallel_tool_calls"]);

const chat = (row: Omit<ChatModel, "kind">): ChatModel => ({ kind: "chat", ...row });
const embedding = (row: Omit<EmbeddingModel, "kind">): EmbeddingModel => ({ kind: "embedding", ...row });

// Parameters from each model's input schema on developers.cloudflare.com/workers-ai/models/.
export const MODELS: readonly Model[] = [
  chat({
    id: "@cf/meta/llama-3.1-8b-instruct-fast",
    provider: "workers-ai",
    aliases: ["llama-3.1-8b"],
    supports: new Set([...SAMPLING]),
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    output: "workers-ai",
  }),
  chat({
    id: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    provider: "workers-ai",
    aliases: ["llama-3.3-70b"],
    supports: new Set([...SAMPLING, "response_format", "tools"]),
    contextWindow: 24_000,
    maxOutputTokens: 4_096,
    output: "workers-ai",
  }),
  chat({
    id: "@cf/zai-org/glm-4.7-flash",
    provider: "workers-ai",
    aliases: ["glm-4.7-flash"],
    supports: new Set([...SAMPLING, "stop", "response_format", "tools", "tool_choice"]),
    contextWindow: 131_072,
    maxOutputTokens: 16_384,
    output: "chat-completions",
  }),
  chat({ id: "gpt-4.1-mini", provider: "openai", aliases: [], supports: OPENAI_CHAT, contextWindow: 1_047_576, maxOutputTokens: 32_768 }),
  chat({ id: "gpt-4.1", provider: "openai", aliases: [], supports: OPENAI_CHAT, contextWindow: 1_047_576, maxOutputTokens: 32_768 }),
  chat({ id: "gpt-4o-mini", provider: "openai", aliases: [], supports: OPENAI_CHAT, contextWindow: 128_000, maxOutputTokens: 16_384 }),
  chat({ id: "gpt-4o", provider: "openai", aliases: [], supports: OPENAI_CHAT, contextWindow: 128_000, maxOutputTokens: 16_384 }),
  embedding({ id: "@cf/baai/bge-small-en-v1.5", provider: "workers-ai", aliases: ["bge-small"], dimensions: 384, shortenable: false, maxBatch: 100 }),
  embedding({ id: "@cf/baai/bge-base-en-v1.5", provider: "workers-ai", aliases: ["bge-base"], dimensions: 768, shortenable: false, maxBatch: 100 }),
  embedding({ id: "@cf/baai/bge-large-en-v1.5", provider: "workers-ai", aliases: ["bge-large"], dimensions: 1024, shortenable: false, maxBatch: 100 }),
  embedding({ id: "text-embedding-3-small", provider: "openai", aliases: [], dimensions: 1536, shortenable: true, maxBatch: 2048 }),
  embedding({ id: "text-embedding-3-large", provider: "openai", aliases: [], dimensions: 3072, shortenable: true, maxBatch: 2048 }),
];

/** A model by id or alias. */
export function findModel(name: string): Model | undefined {
  return MODELS.find((model) => model.id === name || model.aliases.includes(name));
}

export function findChatModel(name: string): ChatModel | undefined {
  const model = findModel(name);
  return model?.kind === "chat" ? model : undefined;
}

export function findEmbeddingModel(name: string): EmbeddingModel | undefined {
  const model = findModel(name);
  return model?.kind === "embedding" ? model : undefined;
}
