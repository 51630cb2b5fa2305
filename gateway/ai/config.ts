// The AI routes' settings, parsed once per isolate from the worker's vars with
// zod; an invalid value fails with the name of the setting. Code below this
// takes the typed AiConfig, never `env`.
import { z } from "zod";
import { ApiError } from "../errors";
import { ExperimentsSchema } from "./experiments";
import { findChatModel, findEmbeddingModel } from "./models";
import { RoutingRuleSchema } from "./routing-rule";

const list = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

const chatModel = z.string().refine((name) => findChatModel(name) !== undefined, "is not a chat model in gateway/ai/models.ts");

const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "is not valid JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);

const Settings = z.object({
  AI_SIMPLE_MODEL: chatModel.default("@cf/meta/llama-3.1-8b-instruct-fast"),
  AI_COMPLEX_MODEL: chatModel.default("gpt-4.1-mini"),
  AI_FALLBACK_CHAIN: z
    .string()
    .default("@cf/meta/llama-3.1-8b-instruct-fast,@cf/meta/llama-3.3-70b-instruct-fp8-fast,gpt-4.1-mini")
    .transform(list)
    .pipe(z.array(chatModel)),
  AI_EMBEDDING_MODEL: z
    .string()
    .default("@cf/baai/bge-base-en-v1.5")
    .refine((name) => findEmbeddingModel(name) !== undefined, "is not an embedding model in gateway/ai/models.ts"),
  AI_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  AI_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  AI_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  AI_ROUTING_RULE: json(RoutingRuleSchema).default(RoutingRuleSchema.parse({})),
  AI_EXPERIMENTS: json(ExperimentsSchema).default([]),
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).default("https://api.openai.com/v1"),
  OPENAI_API_KEY: z.string().default(""),
});

type Settings = z.output<typeof Settings>;

export interface AiConfig {
  simpleModel: string;
  complexModel: string;
  fallbackChain: string[];
  embeddingModel: string;
  timeoutMs: number;
  breaker: { failures: number; cooldownMs: number };
  routing: Settings["AI_ROUTING_RULE"];
  experiments: Settings["AI_EXPERIMENTS"];
  /** Undefined when no key is set: OpenAI models are then not served. */
  openai: { baseUrl: string; apiKey: string } | undefined;
}

const cache = new WeakMap<object, AiConfig>();

export function aiConfig(env: GatewayEnv): AiConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  // Empty vars mean "use the default", as in the rest of the gateway's settings.
  const raw = Object.fromEntries(Object.entries(env as unknown as Record<string, unknown>).filter(([, v]) => v !== ""));
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error("AI settings invalid", { setting: issue?.path.join("."), message: issue?.message });
    throw new ApiError("server_misconfigured", `The server's AI setting ${String(issue?.path[0] ?? "")} is invalid: ${issue?.message ?? ""}`);
  }
  const s = parsed.data;
  const config: AiConfig = {
    simpleModel: s.AI_SIMPLE_MODEL,
    complexModel: s.AI_COMPLEX_MODEL,
    fallbackChain: s.AI_FALLBACK_CHAIN,
    embeddingModel: s.AI_EMBEDDING_MODEL,
    timeoutMs: s.AI_TIMEOUT_MS,
    breaker: { failures: s.AI_BREAKER_FAILURES, cooldownMs: s.AI_BREAKER_COOLDOWN_MS },
    routing: s.AI_ROUTING_RULE,
    experiments: s.AI_EXPERIMENTS,
    openai: s.OPENAI_API_KEY ? { baseUrl: s.OPENAI_BASE_URL, apiKey: s.OPENAI_API_KEY } : undefined,
  };
  cache.set(env, config);
  return config;
}
