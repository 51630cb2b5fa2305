// Replaying one dead letter: concurrent replays queue exactly one message, and
// a replay whose send fails releases its claim so a later replay can succeed.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../gateway/app";
import type { ReplayResponse } from "../../gateway/routes/admin";
import { recordDeadLetter } from "../../shared/dead-letters";
import { markDocumentFailed } from "../../shared/documents";
import type { IngestMessage } from "../../shared/ingest-message";
import { BASE, getDocument } from "../helpers/api";
import { seedDocument } from "../helpers/seed";
import { token, uniqueTenant } from "../helpers/tokens";

/** A failed document and its dead letter, as the dead-letter consumer leaves them. */
async function deadLetter(): Promise<{ id: string; tenant: string; documentId: string }> {
  const tenant = uniqueTenant();
  const { id: documentId, message } = await seedDocument(tenant, `Recovered notes ${crypto.randomUUID()}: the river froze early.`);
  await markDocumentFailed(env.DB, documentId, { code: "dead_lettered", message: "retries exhausted" });
  await recordDeadLetter(env.DB, {
    ingestKey: message.ingestKey,
    tenantId: tenant,
    documentId,
    queue: "rag-ingest-dlq",
    messageId: `m-${crypto.randomUUID()}`,
    body: message,
    reason: "retries_exhausted",
    lastError: "ai_capacity: 3040: Capacity temporarily exceeded, please try again.",
    attempts: 6,
  });
  return { id: `dl_${message.ingestKey}`, tenant, documentId };
}

/** The real queue, counting what is sent through it; or one that refuses. */
function countingQueue() {
  const sent: IngestMessage[] = [];
  const queue = {
    send: async (message: IngestMessage, options?: QueueSendOptions) => {
      sent.push(message);
      await env.INGEST_QUEUE.send(message, options);
    },
  } as unknown as Queue<IngestMessage>;
  return { queue, sent };
}
const refusingQueue = { send: () => Promise.reject(new Error("Queue send failed: internal error")) } as unknown as Queue<IngestMessage>;

async function replay(ids: string[], queue: Queue<IngestMessage>): Promise<ReplayResponse> {
  const request = new Request(`${BASE}/v1/admin/dead-letters/replay`, {
    method: "POST",
    body: JSON.stringify({ ids }),
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token({ tenant: "operator", role: "admin" })}` },
  });
  const response = await app.fetch(request, { ...env, INGEST_QUEUE: queue });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<ReplayResponse>();
}

describe("replaying a dead letter", () => {
  it("queues exactly one message when the same letter is replayed many times at once", async () => {
    const letter = await deadLetter();
    const { queue, sent } = countingQueue();
    const reports = await Promise.all(Array.from({ length: 6 }, () => replay([letter.id], queue)));
    expect(sent).toHaveLength(1);
    expect(reports.flatMap((r) => r.replayed).map((r) => r.id)).toEqual([letter.id]);
    expect(reports.flatMap((r) => r.skipped)).toHaveLength(5);
  });

  it("releases its claim when the send fails, so a later replay goes through", async () => {
    const letter = await deadLetter();
    const failed = await replay([letter.id], refusingQueue);
    expect(failed).toMatchObject({ replayed: [], failed: [{ id: letter.id, reason: "the ingest queue refused the message" }] });
    expect(await getDocument(letter.tenant, letter.documentId)).toMatchObject({ status: "failed", error: { code: "dead_lettered" } });

    const { queue, sent } = countingQueue();
    expect(await replay([letter.id], queue)).toMatchObject({ replayed: [{ id: letter.id }], skipped: [], failed: [] });
    expect(sent).toHaveLength(1);
  });
});
