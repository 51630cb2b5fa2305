// Replaying dead letters: the document goes back to `queued` and its original
// message (same ingest key) back to the queue. A dead letter is claimed before
// anything is sent, so replaying twice, even at once, sends once.
import {
  type DeadLetter,
  type DeadLetterPosition,
  claimForReplay,
  getDeadLetters,
  listDeadLetters,
  releaseReplayClaim,
} from "../shared/dead-letters";
import { getDocument, markDocumentFailed, requeueDocument } from "../shared/documents";
import { IngestMessage } from "../shared/ingest-message";

export interface ReplayItem {
  id: string;
  documentId: string | null;
  tenantId: string | null;
  /** Why it was skipped or failed; absent when replayed. */
  reason?: string;
}

export interface ReplayReport {
  dryRun: boolean;
  replayed: ReplayItem[];
  skipped: ReplayItem[];
  failed: ReplayItem[];
  /** With `all`: this request stopped at its limit; ask again for the rest. */
  more: boolean;
}

export interface ReplayDeps {
  db: D1Database;
  queue: Queue<IngestMessage>;
}

// One request replays at most this many, and looks at no more than
// MAX_SCAN_PER_REQUEST dead letters; the replay script asks again while `more`.
export const MAX_REPLAY_PER_REQUEST = 100;
const MAX_SCAN_PER_REQUEST = 1000;

export async function replayDeadLetters(
  deps: ReplayDeps,
  selection: { ids: string[] } | { all: true },
  dryRun: boolean,
): Promise<ReplayReport> {
  const report: ReplayReport = { dryRun, replayed: [], skipped: [], failed: [], more: false };
  if ("ids" in selection) {
    const letters = await getDeadLetters(deps.db, selection.ids);
    const found = new Set(letters.map((l) => l.id));
    for (const id of selection.ids) {
      if (!found.has(id)) report.failed.push({ id, documentId: null, tenantId: null, reason: "no such dead letter" });
    }
    for (const letter of letters) record(report, letter, await replayOne(deps, letter, dryRun));
    return report;
  }
  // Walk past dead letters that cannot be replayed (they stay dead), so they
  // never hide the ones behind them from later requests.
  let after: DeadLetterPosition | undefined;
  let scanned = 0;
  for (;;) {
    const page = await listDeadLetters(deps.db, { status: "dead", limit: MAX_REPLAY_PER_REQUEST, after });
    for (const [i, letter] of page.deadLetters.entries()) {
      record(report, letter, await replayOne(deps, letter, dryRun));
      if (report.replayed.length >= MAX_REPLAY_PER_REQUEST) {
        report.more = page.next !== null || i < page.deadLetters.length - 1;
        return report;
      }
    }
    scanned += page.deadLetters.length;
    if (!page.next) return report;
    if (scanned >= MAX_SCAN_PER_REQUEST) {
      report.more = true;
      return report;
    }
    after = page.next;
  }
}

function record(report: ReplayReport, letter: DeadLetter, outcome: Outcome): void {
  const item: ReplayItem = { id: letter.id, documentId: letter.documentId, tenantId: letter.tenantId };
  if (outcome === "replayed") report.replayed.push(item);
  else report[outcome.list].push({ ...item, reason: outcome.reason });
}

type Outcome = "replayed" | { list: "skipped" | "failed"; reason: string };

async function replayOne(deps: ReplayDeps, letter: DeadLetter, dryRun: boolean): Promise<Outcome> {
  if (letter.status !== "dead") return { list: "skipped", reason: "already replayed" };
  const parsed = IngestMessage.safeParse(letter.body);
  if (letter.reason === "unreadable" || !parsed.success) return { list: "skipped", reason: "the message is unreadable; nothing to replay" };
  const message = parsed.data;
  const doc = await getDocument(deps.db, message.tenantId, message.documentId);
  if (!doc) return { list: "skipped", reason: "the document was deleted" };
  if (doc.ingestKey !== message.ingestKey) return { list: "skipped", reason: "the document was ingested again since" };
  if (doc.status === "ready") return { list: "skipped", reason: "the document is already ready" };
  if (dryRun) return "replayed";

  if (!(await claimForReplay(deps.db, letter.id))) return { list: "skipped", reason: "already replayed" };
  if (!(await requeueDocument(deps.db, doc.id, message.ingestKey, { onlyIfKey: message.ingestKey }))) {
    await releaseReplayClaim(deps.db, letter.id);
    return { list: "skipped", reason: "the document changed during the replay" };
  }
  try {
    await deps.queue.send({ ...message, enqueuedAt: Date.now() }, { contentType: "json" });
  } catch (error) {
    console.error("replay send failed", { id: letter.id, error: String(error) });
    await releaseReplayClaim(deps.db, letter.id);
    if (doc.error) await markDocumentFailed(deps.db, doc.id, doc.error, { ingestKey: message.ingestKey });
    return { list: "failed", reason: "the ingest queue refused the message" };
  }
  return "replayed";
}
