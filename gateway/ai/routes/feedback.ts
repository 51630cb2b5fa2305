// POST /v1/feedback: a score for one of the caller's chat completions, by
// the completion's `id` (a signed receipt, gateway/ai/receipt.ts). Scores are
// -1 to 1 (thumbs: -1 or 1); sending again replaces the earlier feedback.
// An id this deployment did not sign for the caller's tenant (another
// tenant's, altered, unknown) answers 404, as if it did not exist.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context";
import { RETRY_AFTER_SECONDS } from "../../dependency-failure";
import { ApiError } from "../../errors";
import { validate } from "../../validation";
import { saveFeedback } from "../feedback-store";
import { verifyReceipt } from "../receipt";
import { receiptKey } from "../receipt-key";

const FeedbackBody = z.strictObject({
  // Feedback used to name requests by X-Request-Id, which cannot be verified without a stored row per request.
  requestId: z.never({ error: "is no longer accepted: send the chat completion's id as `id`" }).optional(),
  id: z.string().min(1).max(512),
  score: z.number().min(-1).max(1),
  comment: z.string().max(2_000).optional(),
});

export interface FeedbackResponse {
  id: string;
  requestId: string;
  experiment: string | null;
  variant: string | null;
  model: string;
  score: number;
  recorded: true;
}

export const feedback = new Hono<AppEnv>().post("/", validate("json", FeedbackBody), async (c) => {
  const { id, score, comment } = c.req.valid("json");
  const key = await receiptKey(c.env);
  if (!key.ok) throw new ApiError("server_misconfigured", `The server's RECEIPT_SECRET setting ${key.problem}, so feedback cannot be verified.`);
  const tenantId = c.get("caller").tenantId;
  const receipt = await verifyReceipt(key.key, tenantId, id);
  if (!receipt) throw new ApiError("request_not_found", "No chat completion of yours has this id.");
  try {
    await saveFeedback(c.env.DB, tenantId, receipt, { score, comment: comment ?? null });
  } catch (error) {
    console.error("feedback not saved", { requestId: receipt.requestId, error: String(error) });
    throw new ApiError("service_unavailable", "Feedback cannot be saved right now; send it again shortly.", { "Retry-After": RETRY_AFTER_SECONDS });
  }
  return c.json<FeedbackResponse>({
    id,
    requestId: receipt.requestId,
    experiment: receipt.experiment || null,
    variant: receipt.variant || null,
    model: receipt.model,
    score,
    recorded: true,
  });
});
