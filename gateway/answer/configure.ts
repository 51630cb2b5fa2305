// Builds the ask dependencies from the gateway's bindings and vars.
import { ApiError } from "../errors";
import { searchDeps, searchSettings } from "../retrieval/configure";
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
  if (DEPRECATED_MODELS.has(model)) {
    misconfigured(`ANSWER_MODEL is ${model}, which Workers AI retired on 2026-05-30; set it to a current instruct model such as @cf/meta/llama-3.3-70b-instruct-fp8-fast`);
  }
  if (!Number.isFinite(minVectorScore)) misconfigured(`ASK_MIN_VECTOR_SCORE is ${JSON.stringify(env.ASK_MIN_VECTOR_SCORE)}, not a number`);
  return { search: searchDeps(env), model: workersAiChatModel(env.AI, model), minVectorScore };
}

/** Settings are the operator's: the log and the error both say which one is wrong and why. */
function misconfigured(problem: string): never {
  console.error("server misconfigured", { problem });
  throw new ApiError("server_misconfigured", `The server is misconfigured: ${problem}.`);
}

/** The settings that change an answer: part of its cache key. */
export function askSettings(env: GatewayEnv): Record<string, string | number> {
  return { ...searchSettings(env), answerModel: env.ANSWER_MODEL || "@cf/meta/llama-3.3-70b-instruct-fp8-fast", minVectorScore: env.ASK_MIN_VECTOR_SCORE || "0.6" };
}
