import { app } from "./app";
import { runHealthChecks } from "./proxy/health-checks";

export { SemanticAnswerCache } from "./answer/semantic-answer-cache";
export { TenantGate } from "./edge/limits/tenant-gate";
export { NeuronAllowance } from "./usage/neuron-allowance";
export { UpstreamHealth } from "./proxy/upstream-health";

export default {
  fetch: app.fetch,
  scheduled: (_controller, env, ctx) => ctx.waitUntil(runHealthChecks(env)),
} satisfies ExportedHandler<GatewayEnv>;
