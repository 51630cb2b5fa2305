// Stand-in for the Workers AI binding: `run()` for the bge text-embedding
// models, the bge reranker and a set of instruct models, with their input
// schemas, output shapes and errors. Any other model fails as a model that
// does not exist would.
import { WorkerEntrypoint } from "cloudflare:workers";
import { AiErrors } from "./ai-errors";
import { parseEmbeddingInput } from "./ai-input";
import { embed, type Pooling } from "./embedding";
import { drawFault, drawSlowdown, parseFaults } from "./faults";
import { rerank, type RerankOutput } from "./rerank";
import { parseRerankInput } from "./rerank-input";
import { prepareTextGeneration, type TextGenerationOutput } from "./text-generation";
import { textGenerationModel } from "./text-generation-models";

const EMBEDDING_MODELS: Readonly<Record<string, number>> = {
  "@cf/baai/bge-small-en-v1.5": 384,
  "@cf/baai/bge-base-en-v1.5": 768,
  "@cf/baai/bge-large-en-v1.5": 1024,
};

const RERANKER_MODEL = "@cf/baai/bge-reranker-base";

export interface EmbeddingOutput {
  shape: [number, number];
  data: number[][];
  pooling: Pooling;
}

export type LocalAIOutput = EmbeddingOutput | RerankOutput | TextGenerationOutput;

/** A validated call: the texts fault injection looks at, and the work itself. */
interface Task {
  texts: readonly string[];
  run(): LocalAIOutput;
}

export class LocalAI extends WorkerEntrypoint<LocalServicesEnv> {
  /** `options` (gateway, extraHeaders, ...) change nothing locally. */
  async run(model: string, inputs: unknown, _options?: unknown): Promise<LocalAIOutput> {
    const task = taskFor(model, inputs);
    const faults = parseFaults(this.env.LOCAL_AI_FAULTS);
    if (drawSlowdown(faults, task.texts, model)) await new Promise((resolve) => setTimeout(resolve, Number(this.env.LOCAL_AI_SLOW_MS || "10000")));
    const fault = drawFault(faults, task.texts, Math.random, model);
    if (fault) throw fault;
    return task.run();
  }
}

function taskFor(model: string, inputs: unknown): Task {
  const dimensions = Object.hasOwn(EMBEDDING_MODELS, model) ? EMBEDDING_MODELS[model] : undefined;
  if (dimensions !== undefined) {
    const { texts, pooling } = parseEmbeddingInput(inputs);
    return {
      texts,
      run: () => ({ shape: [texts.length, dimensions], data: texts.map((text) => embed(text, { model, dimensions, pooling })), pooling }),
    };
  }
  if (model === RERANKER_MODEL) {
    const request = parseRerankInput(inputs);
    return { texts: [request.query, ...request.contexts], run: () => rerank(request) };
  }
  const spec = textGenerationModel(model);
  if (spec) {
    const { texts, generate } = prepareTextGeneration(model, spec, inputs);
    return { texts, run: generate };
  }
  throw AiErrors.noSuchModel(model);
}
