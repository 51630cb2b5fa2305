// Which models a chat request goes to, in order, and why: an explicit model
// alone; `auto` classified by the routing rule, maybe re-assigned by an
// experiment, followed by the rest of the fallback chain that can honour
// the request's parameters.
import { withinFreeAllocation } from "../usage/free-neuron-guard";
import type { AiConfig } from "./config";
import type { ChatRequest } from "./chat-request";
import { incapability } from "./capabilities";
import { type Assignment, assign } from "./experiments";
import { type ChatModel, findChatModel } from "./models";
import { modelNotFound, OpenAiError } from "./openai-error";
import { classify, type Complexity, type RouteReason } from "./routing-rule";

export interface Plan {
  chain: ChatModel[];
  complexity: Complexity | "explicit";
  reason: RouteReason | "requested";
  assignment: Assignment | undefined;
}

export interface PlanInput {
  request: ChatRequest;
  config: AiConfig;
  complexityHint: string | undefined;
  userKey: string;
  openAiConfigured: boolean;
  /** The free daily Workers AI Neurons are spent and the guard is on (usage/free-neuron-guard.ts). */
  freeNeuronsSpent?: boolean;
}

export async function planChat({ request, config, complexityHint, userKey, openAiConfigured, freeNeuronsSpent = false }: PlanInput): Promise<Plan> {
  const served = (model: ChatModel) => model.provider !== "openai" || openAiConfigured;
  if (request.model !== "auto") {
    const model = findChatModel(request.model);
    if (!model || !served(model)) throw modelNotFound(request.model, "chat");
    const refusal = incapability(model, request);
    if (refusal) throw refusal;
    return { chain: [model], complexity: "explicit", reason: "requested", assignment: undefined };
  }
  const { complexity, reason } = classify(request, config.routing, complexityHint);
  const assignment = await assign(config.experiments, complexity, userKey);
  const primaryName = assignment?.model ?? (complexity === "simple" ? config.simpleModel : config.complexModel);
  const names = [primaryName, ...config.fallbackChain.filter((name) => name !== primaryName)];
  const models = names.map(findChatModel).filter((m): m is ChatModel => m !== undefined && served(m));
  const chain = models.filter((m) => incapability(m, request) === undefined);
  if (chain.length === 0) {
    const first = models[0];
    throw (first && incapability(first, request)) ?? new OpenAiError(400, "invalid_request_error", "no_model", "No configured model can serve this request.");
  }
  // Once the free Neurons are spent, the next model off Workers AI goes first; Workers AI stays as the last resort.
  return { chain: withinFreeAllocation(chain, freeNeuronsSpent), complexity, reason, assignment };
}
