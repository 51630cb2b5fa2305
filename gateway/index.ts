import { app } from "./app";
import { runHealthChecks } from "./proxy/health-checks";

export { TenantGate } from "./edge/limits/tenant-gate";
export { UpstreamHealth } from "./proxy/upstream-health";

export default {
  fetch: app.fetch,
  scheduled: (_controller, env, ctx) => ctx.waitUntil(runHealthChecks(env)),
} satisfies ExportedHandler<GatewayEnv>;
