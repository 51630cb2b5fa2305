// The AI routes as one sub-app, mounted on /v1 by gateway/app.ts.
import { Hono } from "hono";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";
import { limitBody } from "../../middleware/body-limit";
import { jsonBodyLimit } from "../../middleware/json-limit";
import { chatCompletions } from "./chat-completions";
import { embeddings } from "./embeddings";
import { experimentsReport } from "./experiments-report";
import { feedback } from "./feedback";
import { models } from "./models";

/** Conversations and embedding batches are larger than the gateway's other JSON bodies. */
const MAX_AI_BODY_BYTES = 4 * 1024 * 1024;

// Refused bodies are let go of (middleware/body-limit.ts); the error takes OpenAI's shape on these paths.
export const aiBodyLimit = limitBody(MAX_AI_BODY_BYTES, (max) => new ApiError("request_too_large", `Request bodies may be at most ${max} bytes.`));

// aiBodyLimit is applied by gateway/app.ts before admission, which reads the body to reserve the request's budget.
export const aiRoutes = new Hono<AppEnv>()
  .use("/feedback", jsonBodyLimit)
  .route("/chat/completions", chatCompletions)
  .route("/embeddings", embeddings)
  .route("/models", models)
  .route("/feedback", feedback)
  .route("/admin/experiments", experimentsReport);
