// Replaying dead letters: the document goes back to `queued` and its original
// message (same ingest key) back to the queue. A dead letter is claimed before
// anything is sent, so replaying twice, even at once, sends once.
import { type DeadLetter, claimForReplay, getDeadLetters, listDeadLetters, releaseReplayClaim } from "../shared/dead-letters";
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
  /** With `all`: more dead letters remain beyond this request's limit. */
  more: boolean;
}

export interface ReplayDeps {
  db: D1Database;
  queue: Queue<IngestMessage>;
}

// One request replays at most this many; the replay script asks again until none remain.
export const MAX_REPLAY_PER_REQUEST = 100;

export async function replayDeadLetters(
  deps: ReplayDeps,
  selection: { ids: string[] } | { all: true },
  dryRun: boolean,
): Promise<ReplayReport> {
  const report: ReplayReport = { dryRun, replayed: [], skipped: [], failed: [], more: false };
  let letters: DeadLetter[];
  if ("ids" in selection) {
    letters = await getDeadLetters(deps.db, selection.ids);
    const found = new Set(letters.map((l) => l.id));
    for (const id of selection.ids) {
      if (!found.has(id)) report.failed.push({ id, documentId: null, tenantId: null, reason: "no such dead letter" });
    }
  } else {
    const page = await listDeadLetters(deps.db, { status: "dead", limit: MAX_REPLAY_PER_REQUEST });
    letters = page.deadLetters;
    report.more = page.next !== null;
  }
  for (const letter of letters) {
    const item: ReplayItem = { id: letter.id, documentId: letter.documentId, tenantId: letter.tenantId };
    const outcome = await replayOne(deps, letter, dryRun);
    if (outcome === "replayed") report.replayed.push(item);
    else report[outcome.list].push({ ...item, reason: outcome.reason });
  }
  return report;
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
