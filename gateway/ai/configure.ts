// Builds the AI routes' dependencies from the bindings and the parsed settings.
import { type CircuitBreakers, useBreakerSettings } from "./breaker";
import type { Provider } from "./models";
import { type AiConfig, aiConfig } from "./config";
import { openAiProvider } from "./providers/openai";
import type { ProviderClient } from "./providers/provider";
import { workersAiProvider } from "./providers/workers-ai";

export interface AiDeps {
  config: AiConfig;
  clients: Partial<Record<Provider, ProviderClient>>;
  breakers: CircuitBreakers;
}

export function aiDeps(env: GatewayEnv): AiDeps {
  const config = aiConfig(env);
  const clients: Partial<Record<Provider, ProviderClient>> = { "workers-ai": workersAiProvider(env.AI, config.timeoutMs) };
  if (config.openai) clients.openai = openAiProvider({ ...config.openai, timeoutMs: config.timeoutMs });
  return { config, clients, breakers: useBreakerSettings(config.breaker) };
}
