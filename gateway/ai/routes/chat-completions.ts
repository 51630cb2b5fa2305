// POST /v1/chat/completions: OpenAI's chat API, served by the model the
// routing plan picks, down its fallback chain; whole, or as server-sent
// chat.completion.chunk events ending with `data: [DONE]`.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../context";
import { ChatRequestSchema } from "../chat-request";
import { aiDeps } from "../configure";
import { completionReceipt } from "../completion-receipt";
import { userKey, variantKey } from "../experiments";
import { type ChainDeps, type Served } from "../fallback";
import { runChain } from "../fallback";
import { type ChatModel, findChatModel } from "../models";
import { invalidParam, modelsUnavailable, OpenAiError } from "../openai-error";
import type { ChatCompletion, Usage } from "../openai-types";
import { openCacheEntry } from "../../edge/cache/cache-entry";
import { parseBody } from "../parse-body";
import { type Plan, planChat } from "../plan";
import type { ProviderFailure } from "../providers/provider";
import { logOutcome } from "../outcome";
import { meterProviderCall } from "../../usage/meter-provider-call";
import { settle } from "../../usage/meter-requests";
import { freeNeuronsSpent } from "../../usage/free-neuron-guard";
import { experimentHeader, routeHeader } from "../route-header";
import { pump, type StreamEnd } from "../stream-response";

const RETRY_AFTER_SECONDS = 10;

export const chatCompletions = new Hono<AppEnv>().post("/", async (c) => {
  const request = await parseBody(c, ChatRequestSchema);
  if (request.stream_options && !request.stream) throw invalidParam("stream_options", "stream_options is only allowed when stream is true.");
  const deps = aiDeps(c.env);
  const caller = c.get("caller");
  const plan = await planChat({
    request,
    config: deps.config,
    complexityHint: c.req.header("X-Complexity"),
    userKey: userKey(caller.tenantId, request.user ?? caller.subject),
    openAiConfigured: deps.clients.openai !== undefined,
    freeNeuronsSpent: await freeNeuronsSpent(c.env),
  });
  const call = callRecorder(c, plan, request.stream === true);
  const chain: ChainDeps = {
    clients: deps.clients,
    breakers: deps.breakers,
    onFailure: (model, latencyMs, failure) => call(model, latencyMs, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }, false, "failed", failure, false),
  };
  const signal = c.req.raw.signal;
  const edge = c.get("edge");
  if (edge && plan.assignment) edge.variant = variantKey(plan.assignment);
  // Every usage record of the request carries its variant, a failed or cached one's too: the experiment report sums them.
  c.get("usage").variant = variantKey(plan.assignment);

  if (!request.stream) {
    // temperature 0 asks for the same answer every time: served from the edge's response cache.
    const cache =
      request.temperature === 0
        ? await openCacheEntry<CachedChat>(c, {
            route: "POST /v1/chat/completions",
            body: { ...request, user: undefined, stream: undefined },
            settings: { class: plan.complexity, chain: plan.chain.map((m) => m.id).join(","), variant: plan.assignment?.variant ?? "" },
          })
        : undefined;
    if (cache?.hit) {
      const { completion, route } = cache.hit.value;
      c.get("usage").answeredWithoutModel("hit", completion.model);
      // The cached answer gets this request's receipt: feedback on it is feedback on this request.
      const id = await completionReceipt(c, plan, (findChatModel(completion.model) ?? plan.chain[0])?.id ?? completion.model);
      return c.json(id ? { ...completion, id } : completion, 200, { "X-Model-Route": route, ...experimentHeader(plan), ...cache.headers() });
    }
    const served = await runChain(chain, plan.chain, (client, model) => client.complete({ model, request, signal }));
    if (!served.ok) throw refusal(plan, served);
    const { completion, estimated } = served.value;
    call(served.model, served.latencyMs, completion.usage, estimated, "ok", undefined);
    if (edge) edge.model = served.model.id;
    const route = routeHeader(plan, served.model, served.attempts);
    cache?.save({ completion, route });
    const id = await completionReceipt(c, plan, served.model.id);
    return c.json(id ? { ...completion, id } : completion, 200, { "X-Model-Route": route, ...experimentHeader(plan), ...(cache?.headers() ?? {}) });
  }

  const started = Date.now();
  const served = await runChain(chain, plan.chain, (client, model) => client.stream({ model, request, signal }));
  if (!served.ok) throw refusal(plan, served);
  if (edge) edge.model = served.model.id;
  const id = await completionReceipt(c, plan, served.model.id);
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  // The stream meters itself (and settles its budget reservation) when it ends, with its real usage.
  const meter = c.get("usage");
  meter.streaming = true;
  c.executionCtx.waitUntil(
    pump(served.value, writable.getWriter(), request, id)
      .then(({ usage, estimated, outcome, failure }) => {
        call(served.model, Date.now() - started, usage, estimated, outcome, failure);
        return outcome === "ok" ? 200 : 502;
      })
      .catch(() => 500)
      .then((status) => settle(c, meter, status, Date.now() - started)),
  );
  return c.body(readable, 200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Model-Route": routeHeader(plan, served.model, served.attempts),
    ...experimentHeader(plan),
  });
});

interface CachedChat {
  completion: ChatCompletion;
  route: string;
}

/** The 503 (or the model's 400) once no model served; the meter records the request as failed when it ends. */
function refusal(plan: Plan, served: Extract<Served<unknown>, { ok: false }>): OpenAiError {
  const headers = { "X-Model-Route": routeHeader(plan, undefined, served.attempts) };
  if (served.failure.kind === "bad_request") {
    return new OpenAiError(400, "invalid_request_error", "invalid_request", `The model refused the request: ${served.failure.message}`, served.failure.param ?? null, headers);
  }
  const unavailable = modelsUnavailable(RETRY_AFTER_SECONDS);
  return new OpenAiError(503, unavailable.type, unavailable.code, unavailable.message, null, { ...unavailable.headers, ...headers });
}

/** Logs and meters each provider call; the last one is the call whose result the client got. */
function callRecorder(c: Context<AppEnv>, plan: Plan, stream: boolean) {
  return (model: ChatModel, latencyMs: number, usage: Usage, estimated: boolean, outcome: StreamEnd["outcome"], failure: ProviderFailure | undefined, final = true) => {
    logOutcome({
      requestId: c.get("requestId"),
      tenantId: c.get("caller").tenantId,
      kind: "chat",
      provider: model.provider,
      model: model.id,
      stream,
      experiment: plan.assignment?.experiment ?? null,
      variant: plan.assignment?.variant ?? null,
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
      tokensEstimated: estimated,
      latencyMs,
      outcome,
      failure: failure?.kind ?? null,
    });
    // The last call is the one whose result the client got; failed attempts before it are calls behind the request.
    meterProviderCall(c.get("usage"), { provider: model.provider, model: model.id, variant: variantKey(plan.assignment), inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, latencyMs, outcome }, final);
  };
}
