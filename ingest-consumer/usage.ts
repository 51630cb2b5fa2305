// What one ingestion attempt spent on embeddings, written as one usage rollup
// row when the attempt ends (one D1 row per attempt, however many calls it
// made). A failure to record is logged and never affects the ingestion.
import type { Embed } from "../shared/embeddings";
import { estimateTokens } from "../shared/token-estimate";
import { costOf } from "../shared/usage/cost";
import { usageRecord } from "../shared/usage/record";
import { RollupAccumulator } from "../shared/usage/rollup";
import { addRollups } from "../shared/usage/rollup-store";

export class IngestUsage {
  private calls = 0;
  private failures = 0;
  private tokens = 0;
  private latencyMs = 0;

  constructor(
    private readonly tenantId: string,
    private readonly model: string,
  ) {}

  /** The embed function, counting what each call sends (Workers AI reports no token counts for embeddings). */
  meter(embed: Embed): Embed {
    return async (texts) => {
      const started = Date.now();
      try {
        const vectors = await embed(texts);
        this.calls++;
        this.tokens += texts.reduce((n, t) => n + estimateTokens(t), 0);
        return vectors;
      } catch (error) {
        this.failures++;
        throw error;
      } finally {
        this.latencyMs += Date.now() - started;
      }
    };
  }

  async record(db: D1Database, outcome: { ready: boolean; pages: number }): Promise<void> {
    if (this.calls + this.failures === 0) return;
    const cost = costOf("workers-ai", this.model, { inputTokens: this.tokens, outputTokens: 0 });
    const rollups = new RollupAccumulator();
    rollups.add(
      usageRecord({
        tenantId: this.tenantId,
        userId: "",
        route: "ingest",
        provider: "workers-ai",
        model: this.model,
        inputTokens: this.tokens,
        neurons: cost.neurons,
        usd: cost.usd,
        latencyMs: this.latencyMs,
        outcome: outcome.ready ? "ok" : "error",
        // An ingestion counts once, when it completes; earlier attempts count only their calls.
        requests: outcome.ready ? 1 : 0,
        pages: outcome.ready ? outcome.pages : 0,
      }),
    );
    const [row] = rollups.drain();
    if (!row) return;
    row.calls = this.calls + this.failures;
    row.errors = this.failures;
    try {
      await addRollups(db, [row]);
    } catch (error) {
      console.error("ingest usage not recorded", { tenantId: this.tenantId, error: String(error) });
    }
  }
}
