// Stand-in for the Workers AI binding: `run()` for the bge text-embedding
// models, with their input schema, output shape and errors. Any other model
// fails as a model that does not exist would.
import { WorkerEntrypoint } from "cloudflare:workers";
import { AiErrors } from "./ai-errors";
import { parseEmbeddingInput } from "./ai-input";
import { embed, type Pooling } from "./embedding";
import { drawFault, parseFaults } from "./faults";

const EMBEDDING_MODELS: Readonly<Record<string, number>> = {
  "@cf/baai/bge-small-en-v1.5": 384,
  "@cf/baai/bge-base-en-v1.5": 768,
  "@cf/baai/bge-large-en-v1.5": 1024,
};

export interface EmbeddingOutput {
  shape: [number, number];
  data: number[][];
  pooling: Pooling;
}

export class LocalAI extends WorkerEntrypoint<LocalServicesEnv> {
  /** `options` (gateway, extraHeaders, ...) change nothing locally. */
  async run(model: string, inputs: unknown, _options?: unknown): Promise<EmbeddingOutput> {
    const dimensions = Object.hasOwn(EMBEDDING_MODELS, model) ? EMBEDDING_MODELS[model] : undefined;
    if (dimensions === undefined) throw AiErrors.noSuchModel(model);
    const { texts, pooling } = parseEmbeddingInput(inputs);
    const fault = drawFault(parseFaults(this.env.LOCAL_AI_FAULTS), texts);
    if (fault) throw fault;
    return {
      shape: [texts.length, dimensions],
      data: texts.map((text) => embed(text, { model, dimensions, pooling })),
      pooling,
    };
  }
}
