import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
export class LocalVectorIndex extends DurableObject {}
export class LocalAI extends WorkerEntrypoint { async run() { return 1; } }
export class LocalVectorize extends WorkerEntrypoint { async describe() { return 1; } }
export default { fetch: () => new Response("local") };
