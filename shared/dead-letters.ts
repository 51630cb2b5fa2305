// Dead letters: ingest messages the queue gave up on, or could not read,
// recorded in D1 so nothing is lost when the dead-letter queue's retention
// ends, and replayable by an operator.

export type DeadLetterReason = "retries_exhausted" | "unreadable";
export type DeadLetterStatus = "dead" | "replayed";

export interface DeadLetter {
  id: string;
  ingestKey: string | null;
  tenantId: string | null;
  documentId: string | null;
  queue: string;
  messageId: string;
  body: unknown;
  reason: DeadLetterReason;
  lastError: string | null;
  attempts: number;
  status: DeadLetterStatus;
  replayCount: number;
  firstSeenAt: number;
  lastSeenAt: number;
  replayedAt: number | null;
}

interface DeadLetterRow {
  id: string;
  ingest_key: string | null;
  tenant_id: string | null;
  document_id: string | null;
  queue: string;
  message_id: string;
  body: string;
  reason: DeadLetterReason;
  last_error: string | null;
  attempts: number;
  status: DeadLetterStatus;
  replay_count: number;
  first_seen_at: number;
  last_seen_at: number;
  replayed_at: number | null;
}

function fromRow(row: DeadLetterRow): DeadLetter {
  let body: unknown;
  try {
    body = JSON.parse(row.body);
  } catch {
    body = row.body;
  }
  return {
    id: row.id,
    ingestKey: row.ingest_key,
    tenantId: row.tenant_id,
    documentId: row.document_id,
    queue: row.queue,
    messageId: row.message_id,
    body,
    reason: row.reason,
    lastError: row.last_error,
    attempts: row.attempts,
    status: row.status,
    replayCount: row.replay_count,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    replayedAt: row.replayed_at,
  };
}

export type NewDeadLetter = Pick<
  DeadLetter,
  "ingestKey" | "tenantId" | "documentId" | "queue" | "messageId" | "body" | "reason" | "lastError" | "attempts"
>;

/** Records a dead message; the same ingestion dead again (after a replay) updates its one record. */
export async function recordDeadLetter(db: D1Database, letter: NewDeadLetter, now = Date.now()): Promise<void> {
  const id = `dl_${letter.ingestKey ?? letter.messageId}`;
  const body = JSON.stringify(letter.body) ?? "null";
  await db
    .prepare(
      `INSERT INTO dead_letters (id, ingest_key, tenant_id, document_id, queue, message_id, body, reason, last_error, attempts, status, first_seen_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'dead', ?, ?)
       ON CONFLICT (id) DO UPDATE SET
         message_id = excluded.message_id, body = excluded.body, last_error = excluded.last_error,
         attempts = excluded.attempts, status = 'dead', last_seen_at = excluded.last_seen_at`,
    )
    .bind(id, letter.ingestKey, letter.tenantId, letter.documentId, letter.queue, letter.messageId, body, letter.reason, letter.lastError, letter.attempts, now, now)
    .run();
}

export async function getDeadLetters(db: D1Database, ids: readonly string[]): Promise<DeadLetter[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT * FROM dead_letters WHERE id IN (${ids.map(() => "?").join(", ")})`)
    .bind(...ids)
    .all<DeadLetterRow>();
  return results.map(fromRow);
}

export interface DeadLetterPosition {
  lastSeenAt: number;
  id: string;
}

export async function listDeadLetters(
  db: D1Database,
  options: { tenantId?: string | undefined; status?: DeadLetterStatus | undefined; limit: number; after?: DeadLetterPosition | undefined },
): Promise<{ deadLetters: DeadLetter[]; next: DeadLetterPosition | null }> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (options.tenantId !== undefined) {
    where.push("tenant_id = ?");
    params.push(options.tenantId);
  }
  if (options.status !== undefined) {
    where.push("status = ?");
    params.push(options.status);
  }
  if (options.after) {
    where.push("(last_seen_at < ? OR (last_seen_at = ? AND id < ?))");
    params.push(options.after.lastSeenAt, options.after.lastSeenAt, options.after.id);
  }
  const { results } = await db
    .prepare(
      `SELECT * FROM dead_letters ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY last_seen_at DESC, id DESC LIMIT ?`,
    )
    .bind(...params, options.limit + 1)
    .all<DeadLetterRow>();
  const deadLetters = results.slice(0, options.limit).map(fromRow);
  const last = deadLetters.at(-1);
  return { deadLetters, next: results.length > options.limit && last ? { lastSeenAt: last.lastSeenAt, id: last.id } : null };
}

/** Claims a dead letter for replay; false when it is not (or no longer) dead, so two replays never both send. */
export async function claimForReplay(db: D1Database, id: string, now = Date.now()): Promise<boolean> {
  const result = await db
    .prepare("UPDATE dead_letters SET status = 'replayed', replay_count = replay_count + 1, replayed_at = ? WHERE id = ? AND status = 'dead'")
    .bind(now, id)
    .run();
  return result.meta.changes > 0;
}

/** Undoes a claim whose message could not be sent. */
export async function releaseReplayClaim(db: D1Database, id: string): Promise<void> {
  await db.prepare("UPDATE dead_letters SET status = 'dead', replay_count = replay_count - 1 WHERE id = ?").bind(id).run();
}
