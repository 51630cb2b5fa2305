// Records one AI request once it has ended: the usage hook for each provider
// call (outcome.ts) and the request-log row feedback and experiments read.
import type { Context } from "hono";
import type { AppEnv } from "../context";
import { type AiCallOutcome, logOutcome } from "./outcome";
import { type AiRequestRow, insertAiRequest } from "./request-log";

export function recordCall(outcome: AiCallOutcome): void {
  logOutcome(outcome);
}

export function recordRequest(c: Context<AppEnv>, row: Omit<AiRequestRow, "requestId" | "tenantId">): void {
  const full: AiRequestRow = { requestId: c.get("requestId"), tenantId: c.get("caller").tenantId, ...row };
  c.executionCtx.waitUntil(
    insertAiRequest(c.env.DB, full).catch((error: unknown) => {
      console.error("ai request log write failed", { requestId: full.requestId, error: String(error) });
    }),
  );
}
