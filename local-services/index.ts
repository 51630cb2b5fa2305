// rag-local-services: offline stand-ins for Workers AI and Vectorize, bound by
// the other workers' `local` environment as service bindings to these classes.
export { LocalAI } from "./ai";
export { LocalVectorize } from "./vectorize";
export { LocalVectorIndex } from "./vector-index";

export default {
  fetch: () => new Response("rag-local-services: use the LocalAI and LocalVectorize entrypoints", { status: 404 }),
} satisfies ExportedHandler<LocalServicesEnv>;
