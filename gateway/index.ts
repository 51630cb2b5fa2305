import { app } from "./app";

export { TenantGate } from "./edge/limits/tenant-gate";

export default { fetch: app.fetch } satisfies ExportedHandler<GatewayEnv>;
