// Failures of the services the gateway calls on a request's path (Workers AI,
// Vectorize), as values: what failed, and whether waiting helps. Routes turn
// them into a degraded answer or a 503 with Retry-After, never a 500.
import { ApiError } from "./errors";

export type Dependency = "embedding model" | "vector index" | "reranker" | "answer model";

export interface DependencyFailure {
  dependency: Dependency;
  /** unavailable: busy, rate-limited or down, retry later; failed: it answered wrongly; misconfigured: the setting names something unusable. */
  kind: "unavailable" | "failed" | "misconfigured";
  message: string;
}

export const RETRY_AFTER_SECONDS = "10";

// Workers AI errors arrive as "<internalCode>: <description>" (see local-services/ai-errors.ts).
// 3040: out of capacity; 3036: daily allocation used up; 3043: internal error; 429: rate limited.
const UNAVAILABLE = /^(\w*Error: )?(3040|3036|3043)\b|\b429\b|\b503\b|rate limit|capacity|timed? ?out|network connection lost/i;
// 5007: no such model (a retired or misspelt name in a setting).
const NO_SUCH_MODEL = /^(\w*Error: )?5007\b/;

export function dependencyFailure(dependency: Dependency, error: unknown): DependencyFailure {
  const message = error instanceof Error ? error.message : String(error);
  // Vectorize has no error codes to tell a bad query from an outage; ours are well-formed, so any failure is an outage.
  const kind = NO_SUCH_MODEL.test(message) ? "misconfigured" : dependency === "vector index" || UNAVAILABLE.test(message) ? "unavailable" : "failed";
  console.error(`${dependency} failed`, { kind, message: message.slice(0, 300) });
  return { dependency, kind, message };
}

/** The response for a request that cannot be served without the failed dependency. */
export function dependencyError(failure: DependencyFailure, setting?: string): ApiError {
  if (failure.kind === "misconfigured") {
    const named = setting ? `the ${setting} setting names a model Workers AI does not serve` : `the ${failure.dependency} is misconfigured`;
    return new ApiError("server_misconfigured", `The server is misconfigured: ${named}.`);
  }
  const retry = { "Retry-After": RETRY_AFTER_SECONDS };
  switch (failure.dependency) {
    case "vector index":
      return new ApiError("service_unavailable", "The vector index is unavailable; try again shortly.", retry);
    case "answer model":
      return failure.kind === "unavailable"
        ? new ApiError("model_unavailable", "The answer model is busy; try again shortly.", retry)
        : new ApiError("model_error", "The answer model failed to answer.");
    default:
      return new ApiError("model_unavailable", `The ${failure.dependency} is unavailable; try again shortly.`, retry);
  }
}
