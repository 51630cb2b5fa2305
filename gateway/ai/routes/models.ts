// GET /v1/models and /v1/models/:id: what this deployment serves (OpenAI's
// models only when a key is configured), with each model's aliases, plus
// `auto`, the routed choice.
import { Hono } from "hono";
import type { AppEnv } from "../../context";
import { aiDeps } from "../configure";
import { MODELS, type Model } from "../models";
import { OpenAiError } from "../openai-error";

export interface ModelJson {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  /** Beyond OpenAI's fields: other names for the model, and what it does. */
  aliases: string[];
  kind: "chat" | "embedding" | "router";
}

const modelJson = (model: Model): ModelJson => ({
  id: model.id,
  object: "model",
  created: 0,
  owned_by: model.provider,
  aliases: [...model.aliases],
  kind: model.kind,
});

const AUTO: ModelJson = { id: "auto", object: "model", created: 0, owned_by: "gateway", aliases: [], kind: "router" };

function served(env: GatewayEnv): ModelJson[] {
  const { clients } = aiDeps(env);
  return [AUTO, ...MODELS.filter((model) => clients[model.provider] !== undefined).map(modelJson)];
}

export const models = new Hono<AppEnv>()
  .get("/", (c) => c.json({ object: "list", data: served(c.env) }))
  // Workers AI ids contain slashes (@cf/meta/...): the id is the rest of the path.
  .get("/:id{.+}", (c) => {
    const id = c.req.param("id");
    const model = served(c.env).find((m) => m.id === id || m.aliases.includes(id));
    if (!model) throw new OpenAiError(404, "invalid_request_error", "model_not_found", `The model \`${id}\` does not exist.`, "model");
    return c.json(model);
  });
