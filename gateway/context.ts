import type { RequestIdVariables } from "hono/request-id";

/** Who is calling, established only from a verified token. */
export interface Caller {
  tenantId: string;
  subject: string;
  role: string;
}

export interface AppEnv {
  Bindings: GatewayEnv;
  Variables: RequestIdVariables & { caller: Caller };
}
