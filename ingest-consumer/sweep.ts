// The Cron Trigger's work: finds documents that made no progress for
// STALLED_AFTER_SECONDS and sends their message again, with the same ingest
// key (an ingestion is idempotent, so a message that was only slow costs a
// duplicate run, never a wrong result). After STALLED_MAX_RESENDS re-sends of
// one ingestion the document is marked failed (`stalled`) instead of looping.
import { markDocumentFailed } from "../shared/documents";
import { type IngestMessage, ingestMessage } from "../shared/ingest-message";
import { claimResend, findStalledDocuments, releaseResend } from "../shared/stalled";
import { readConfig } from "./config";

// One sweep handles this many; the next sweep takes the rest.
const SWEEP_LIMIT = 100;

export interface SweepReport {
  resent: string[];
  failed: string[];
}

export interface SweepDeps {
  db: D1Database;
  queue: Queue<IngestMessage>;
}

export async function sweepStalled(deps: SweepDeps, options: { stalledAfterMs: number; maxResends: number }, now = Date.now()): Promise<SweepReport> {
  const report: SweepReport = { resent: [], failed: [] };
  for (const doc of await findStalledDocuments(deps.db, now - options.stalledAfterMs, SWEEP_LIMIT)) {
    if (doc.resends >= options.maxResends) {
      const message = `Ingestion made no progress after its message was sent again ${doc.resends} times; upload the file again to retry.`;
      if (await markDocumentFailed(deps.db, doc.id, { code: "stalled", message }, { ingestKey: doc.ingestKey })) report.failed.push(doc.id);
      continue;
    }
    if (!(await claimResend(deps.db, doc, now))) continue;
    try {
      await deps.queue.send(ingestMessage({ documentId: doc.id, tenantId: doc.tenantId, objectKey: doc.objectKey, ingestKey: doc.ingestKey }, now), {
        contentType: "json",
      });
      report.resent.push(doc.id);
    } catch (error) {
      console.error("stalled document not re-sent", { documentId: doc.id, error: String(error) });
      await releaseResend(deps.db, doc);
    }
  }
  if (report.resent.length + report.failed.length > 0) console.warn("stalled documents swept", report);
  return report;
}

export async function handleScheduled(env: ConsumerEnv): Promise<void> {
  const config = readConfig(env);
  await sweepStalled({ db: env.DB, queue: env.INGEST_QUEUE }, { stalledAfterMs: config.stalledAfterSeconds * 1000, maxResends: config.stalledMaxResends });
}
