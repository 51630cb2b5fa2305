// Settlements of finished requests wait in the isolate and ride along with
// the tenant's next admission call from this isolate (take()), which the
// request pays for anyway: a busy tenant's usage costs no Durable Object
// request of its own. When no admission takes them within `delayMs`, the
// oldest waiting request's timer sends everything that waited for that
// tenant in one fallback call. enqueue()'s promise (the request's waitUntil)
// never rejects: recording never fails a request.
//
// Each request waits on its own timer only. A promise of one request resolved
// from another request's context is not safe in workerd (its continuations
// may be dropped, or run where they cannot do I/O): no request waits for
// another's promise.
import type { Settlement } from "./tenant-usage";

export type SendSettlements = (tenantId: string, batch: Settlement[]) => Promise<void>;

/** Settlements handed to an admission call. */
export interface Handoff {
  settlements: Settlement[];
  /** The admission call failed: they wait again, on the caller's timer; hold the promise with waitUntil. */
  failed(): Promise<void>;
}

export class SettleQueue {
  private readonly waiting = new Map<string, Settlement[]>();

  constructor(
    private readonly send: SendSettlements,
    readonly delayMs: number,
  ) {}

  /** Resolves after `delayMs`, once this settlement has been taken or sent (or given up on). */
  async enqueue(tenantId: string, settlement: Settlement): Promise<void> {
    const batch = this.waiting.get(tenantId) ?? [];
    batch.push(settlement);
    this.waiting.set(tenantId, batch);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    // Taken by an admission, or sent by an older request's timer: nothing left to do.
    if (this.waiting.get(tenantId) !== batch) return;
    this.waiting.delete(tenantId);
    try {
      await this.send(tenantId, batch);
    } catch (error) {
      console.error("usage not recorded", { tenantId, settlements: batch.length, error: String(error) });
    }
  }

  /** Everything waiting for the tenant, for its next admission call from this isolate. */
  take(tenantId: string): Handoff | undefined {
    const batch = this.waiting.get(tenantId);
    if (!batch) return undefined;
    this.waiting.delete(tenantId);
    return {
      settlements: batch,
      failed: async () => {
        await Promise.all(batch.map((s) => this.enqueue(tenantId, s)));
      },
    };
  }
}
