import type { D1Migration } from "@cloudflare/vitest-pool-workers";

declare global {
  namespace Cloudflare {
    // `exports.default` in the gateway project is the gateway.
    interface GlobalProps {
      mainModule: typeof import("../gateway/index");
    }
    // Tests see the bindings of their project's main worker (gateway or consumer).
    interface Env extends GatewayEnv, ConsumerEnv {
      TEST_MIGRATIONS: D1Migration[];
      // The consumer binds the gateway's class by script name, untyped; it is the same class.
      TENANT_GATE: GatewayEnv["TENANT_GATE"] & ConsumerEnv["TENANT_GATE"];
      /** JSON: backend instance name -> base URL (test/backends.ts). */
      TEST_BACKENDS: string;
    }
  }
}
