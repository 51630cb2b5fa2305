// `npm run dev` starts this beside wrangler (scripts/dev.mjs bundles and runs it):
// two instances of the stand-in on consecutive ports, the two targets of the
// local config's main upstream, so failover and the breaker can be watched.
// Environment: LEGACY_BACKEND_PORT (first port), JWT_SECRET, LEGACY_BACKEND_FAULTS (instance a only).
import { startLegacyBackend } from "./server.ts";

export async function main(env: Record<string, string | undefined>): Promise<void> {
  const port = Number(env["LEGACY_BACKEND_PORT"]);
  const jwtSecret = env["JWT_SECRET"] ?? "";
  if (!Number.isInteger(port) || jwtSecret === "") throw new Error("legacy-backend: LEGACY_BACKEND_PORT and JWT_SECRET are required");
  const a = await startLegacyBackend({ name: "legacy-a", port, jwtSecret, faults: env["LEGACY_BACKEND_FAULTS"] ?? "" });
  const b = await startLegacyBackend({ name: "legacy-b", port: port + 1, jwtSecret });
  console.log(`stand-in legacy backend: ${a.url} (legacy-a), ${b.url} (legacy-b)`);
}
