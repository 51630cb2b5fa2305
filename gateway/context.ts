import type { RequestIdVariables } from "hono/request-id";
import type { CorpusState } from "../shared/corpus-gate";
import type { ErrorCode } from "./errors";
import type { RequestMeter } from "./usage/request-meter";

/** Who is calling, established only from a verified token. */
export interface Caller {
  tenantId: string;
  subject: string;
  role: string;
  /** The token's `plan` claim: picks the tenant's row of rate limits and of budgets. */
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
    /** This request's AI usage, sent to the tenant's gate when the request ends. */
    usage: RequestMeter;
  };
}
