import type { D1Migration } from "@cloudflare/vitest-pool-workers";

declare global {
  namespace Cloudflare {
    // The tests see the bindings of whichever worker is the project's main
    // worker; both projects' migrations come from the config.
    interface Env extends Omit<GatewayEnv, "AI" | "VECTORIZE"> {
      TEST_MIGRATIONS: D1Migration[];
      AI: Ai;
      VECTORIZE: Vectorize;
    }
  }
}
