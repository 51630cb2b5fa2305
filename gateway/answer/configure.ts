// Builds the ask dependencies from the gateway's bindings and vars.
import { ApiError } from "../errors";
import { searchDeps } from "../retrieval/configure";
import type { AskDeps } from "./ask";
import { workersAiChatModel } from "./chat-model";

// Text-generation models Workers AI retired on 2026-05-30 (see PLATFORM notes).
const DEPRECATED_MODELS = new Set([
  "@cf/meta/llama-2-7b-chat-int8",
  "@cf/mistral/mistral-7b-instruct-v0.1",
  "@cf/meta/llama-3-8b-instruct",
  "@cf/meta/llama-3.1-8b-instruct",
  "@cf/meta/llama-3.1-70b-instruct",
  "@cf/google/gemma-3-12b-it",
]);

export function askDeps(env: GatewayEnv): AskDeps {
  const model = env.ANSWER_MODEL || "@cf/meta/llama-3.3-70b-instruct-fp8-fast";
  const minVectorScore = Number(env.ASK_MIN_VECTOR_SCORE || "0.6");
  if (DEPRECATED_MODELS.has(model) || !Number.isFinite(minVectorScore)) {
    throw new ApiError("server_misconfigured", "The server's answer model settings are misconfigured.");
  }
  return { search: searchDeps(env), model: workersAiChatModel(env.AI, model), minVectorScore };
}
