// POST /v1/feedback: a score for one of the caller's AI requests, by the
// X-Request-Id it was answered with. Scores are -1 to 1 (thumbs: -1 or 1);
// sending again replaces the earlier feedback. Another tenant's request
// answers 404, as if it did not exist.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";
import { validate } from "../../validation";
import { recordFeedback } from "../request-log";

const FeedbackBody = z.strictObject({
  requestId: z.string().min(1).max(128),
  score: z.number().min(-1).max(1),
  comment: z.string().max(2_000).optional(),
});

export const feedback = new Hono<AppEnv>().post("/", validate("json", FeedbackBody), async (c) => {
  const { requestId, score, comment } = c.req.valid("json");
  const found = await recordFeedback(c.env.DB, c.get("caller").tenantId, requestId, score, comment ?? null);
  if (!found) throw new ApiError("request_not_found", `No AI request ${requestId} of yours is on record.`);
  return c.json({ requestId, score, recorded: true });
});
