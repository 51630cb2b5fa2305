// rag-local-openai: an offline stand-in for the OpenAI API (or any
// OpenAI-compatible upstream), with OpenAI's exact wire format. The gateway
// reaches it only through its OPENAI_BASE_URL setting, as it would reach
// api.openai.com: `npm run dev` points the local gateway at it, and the test
// pool routes the gateway's outbound fetch to it. Never deployed.
import { isRecord } from "../json-type";
import { chatCompletion, messageTexts, snapshotOf } from "./chat";
import { embeddings } from "./embeddings";
import { OpenAiErrors } from "./errors";
import { applyFault, faultIn } from "./faults";

interface Env {
  /** When set, requests must carry `Authorization: Bearer <it>`. */
  LOCAL_OPENAI_API_KEY?: string;
  LOCAL_OPENAI_SLOW_MS?: string;
}

const MODELS = ["gpt-4.1-mini", "gpt-4.1", "gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "text-embedding-3-large"];

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const path = new URL(request.url).pathname.replace(/^.*?\/v1\//, "/v1/");
    if (env.LOCAL_OPENAI_API_KEY && request.headers.get("Authorization") !== `Bearer ${env.LOCAL_OPENAI_API_KEY}`) return OpenAiErrors.invalidKey();
    if (request.method === "GET" && path === "/v1/models") {
      return Response.json({ object: "list", data: MODELS.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "system" })) });
    }
    if (request.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/v1/embeddings")) return OpenAiErrors.notFound(path);
    const body: unknown = await request.json().catch(() => undefined);
    if (!isRecord(body)) return OpenAiErrors.invalid("We could not parse the JSON body of your request.", null);
    const texts = path === "/v1/embeddings" ? [String(body["input"])] : messageTexts(body);
    const model = typeof body["model"] === "string" ? (snapshotOf(body["model"]) ?? body["model"]) : "";
    const failed = await applyFault(faultIn(texts), model, Number(env.LOCAL_OPENAI_SLOW_MS ?? "10000"));
    if (failed) return failed;
    return path === "/v1/embeddings" ? embeddings(body) : chatCompletion(body);
  },
} satisfies ExportedHandler<Env>;
