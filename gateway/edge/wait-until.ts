import type { Context } from "hono";

/**
 * Work that may finish after the response (cache writes). Outside a worker
 * invocation (an app called directly, without an execution context) the
 * promise simply runs on; its failure is logged either way by the caller.
 */
export function waitUntil(c: Context, promise: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    void promise;
  }
}
