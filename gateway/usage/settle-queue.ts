// Settlements leave the isolate in batches: the first one for a tenant waits
// SETTLE_BATCH_MS (after the response, in waitUntil) and takes along every
// settlement for that tenant that arrived meanwhile, so a busy tenant costs
// one Durable Object request per batch rather than one per request. Failures
// are logged and dropped: recording never fails a request.
import type { Settlement } from "./tenant-usage";

const SETTLE_BATCH_MS = 200;

export type SendSettlements = (tenantId: string, batch: Settlement[]) => Promise<void>;

interface Batch {
  settlements: Settlement[];
  sent: Promise<void>;
}

export class SettleQueue {
  private readonly waiting = new Map<string, Batch>();

  constructor(
    private readonly send: SendSettlements,
    private readonly batchMs = SETTLE_BATCH_MS,
  ) {}

  /** Resolves once the batch holding this settlement has been sent (or given up on); never rejects. */
  enqueue(tenantId: string, settlement: Settlement): Promise<void> {
    const open = this.waiting.get(tenantId);
    if (open) {
      open.settlements.push(settlement);
      return open.sent;
    }
    const settlements = [settlement];
    const sent = new Promise<void>((resolve) => setTimeout(resolve, this.batchMs)).then(async () => {
      this.waiting.delete(tenantId);
      try {
        await this.send(tenantId, settlements);
      } catch (error) {
        console.error("usage not recorded", { tenantId, settlements: settlements.length, error: String(error) });
      }
    });
    this.waiting.set(tenantId, { settlements, sent });
    return sent;
  }
}
