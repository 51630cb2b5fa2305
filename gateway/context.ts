import type { RequestIdVariables } from "hono/request-id";
import type { CorpusState } from "../shared/corpus-gate";
import type { RateDecision } from "./edge/limits/window";
import type { ErrorCode } from "./errors";

/** Who is calling, established only from a verified token. */
export interface Caller {
  tenantId: string;
  subject: string;
  role: string;
  /** The token's `plan` claim: picks the tenant's row of rate limits. */
  plan?: string | undefined;
}

/** What the request log reports; each edge step fills in its part. */
export interface EdgeOutcome {
  rateLimit?: "allowed" | "limited" | "unavailable";
  rateLimitLayer?: "tenant" | "address" | "auth_failure";
  cache?: string;
  /** The gateway's code, or on the OpenAI-compatible routes OpenAI's (e.g. model_not_found). */
  errorCode?: ErrorCode | string;
  /** AI routes: the model that served, and the caller's experiment variant ("experiment/variant"). */
  model?: string;
  variant?: string;
  /** Set where the route pattern does not say it (a proxied request: its PROXY_CONFIG prefix). */
  route?: string;
}

export interface AppEnv {
  Bindings: GatewayEnv;
  Variables: RequestIdVariables & {
    caller: Caller;
    /** The tenant's corpus, from the gate; absent when the gate was unreachable (then nothing is cached). */
    corpus: CorpusState | undefined;
    edge: EdgeOutcome;
  };
}
