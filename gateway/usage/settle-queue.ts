// Settlements of finished requests wait in the isolate and ride along with
// the tenant's next admission call from this isolate (take()), which the
// request pays for anyway: a busy tenant's usage costs no Durable Object
// request of its own. When no admission comes within `delayMs`, one fallback
// call takes every settlement that waited for that tenant. Either way the
// promise enqueue() returns resolves once its settlement is delivered or given
// up on (the request's waitUntil holds it), and never rejects: recording never
// fails a request.
import type { Settlement } from "./tenant-usage";

export type SendSettlements = (tenantId: string, batch: Settlement[]) => Promise<void>;

interface Batch {
  settlements: Settlement[];
  done: () => void;
  sent: Promise<void>;
}

/** Settlements handed to an admission call: report how it went. */
export interface Handoff {
  settlements: Settlement[];
  /** The admission call carried them: their requests are done. */
  delivered(): void;
  /** The admission call failed: they wait again (and go by fallback); hold the promise with waitUntil. */
  failed(): Promise<void>;
}

export class SettleQueue {
  private readonly waiting = new Map<string, Batch>();

  constructor(
    private readonly send: SendSettlements,
    readonly delayMs: number,
  ) {}

  enqueue(tenantId: string, settlement: Settlement): Promise<void> {
    const open = this.waiting.get(tenantId);
    if (open) {
      open.settlements.push(settlement);
      return open.sent;
    }
    let done = () => {};
    const sent = new Promise<void>((resolve) => (done = resolve));
    const batch: Batch = { settlements: [settlement], done, sent };
    this.waiting.set(tenantId, batch);
    // The timer runs in the context of the request that opened the batch, which
    // its waitUntil keeps alive until then. A batch taken by an admission call
    // meanwhile is no longer waiting: the timer then finds nothing to send.
    setTimeout(() => void this.fallback(tenantId, batch), this.delayMs);
    return sent;
  }

  /** Everything waiting for the tenant, for its next admission call from this isolate. */
  take(tenantId: string): Handoff | undefined {
    const batch = this.waiting.get(tenantId);
    if (!batch) return undefined;
    this.waiting.delete(tenantId);
    return {
      settlements: batch.settlements,
      delivered: batch.done,
      failed: () => {
        // Their requests' waitUntil can let go: the caller's now holds them.
        const again = Promise.all(batch.settlements.map((s) => this.enqueue(tenantId, s)));
        batch.done();
        return again.then(() => undefined);
      },
    };
  }

  private async fallback(tenantId: string, batch: Batch): Promise<void> {
    if (this.waiting.get(tenantId) !== batch) return;
    this.waiting.delete(tenantId);
    try {
      await this.send(tenantId, batch.settlements);
    } catch (error) {
      console.error("usage not recorded", { tenantId, settlements: batch.settlements.length, error: String(error) });
    } finally {
      batch.done();
    }
  }
}
