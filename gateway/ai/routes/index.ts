// The AI routes as one sub-app, mounted on /v1 by gateway/app.ts.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../../context";
import { jsonBodyLimit } from "../../middleware/json-limit";
import { OpenAiError } from "../openai-error";
import { chatCompletions } from "./chat-completions";
import { embeddings } from "./embeddings";
import { experimentsReport } from "./experiments-report";
import { feedback } from "./feedback";
import { models } from "./models";

/** Conversations and embedding batches are larger than the gateway's other JSON bodies. */
const MAX_AI_BODY_BYTES = 4 * 1024 * 1024;

const aiBodyLimit = bodyLimit({
  maxSize: MAX_AI_BODY_BYTES,
  onError: () => {
    throw new OpenAiError(413, "invalid_request_error", "request_too_large", `Request bodies may be at most ${MAX_AI_BODY_BYTES} bytes.`);
  },
});

export const aiRoutes = new Hono<AppEnv>()
  .use("/chat/completions", aiBodyLimit)
  .use("/embeddings", aiBodyLimit)
  .use("/feedback", jsonBodyLimit)
  .route("/chat/completions", chatCompletions)
  .route("/embeddings", embeddings)
  .route("/models", models)
  .route("/feedback", feedback)
  .route("/admin/experiments", experimentsReport);
