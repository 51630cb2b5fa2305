// The Cron Trigger's sweeper: a document whose message was lost (never
// delivered) is found by its age, its message is sent again with the same
// ingest key, and after STALLED_MAX_RESENDS fruitless re-sends it is failed.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDocument, tombstoneDocument } from "../../shared/documents";
import { IngestMessage } from "../../shared/ingest-message";
import { deliver } from "../helpers/queue";
import { markedText, seedDocument } from "../helpers/seed";
import { age, losingQueue, runSweep } from "../helpers/sweep";
import { uniqueTenant } from "../helpers/tokens";

// The local environment's STALLED_AFTER_SECONDS is 300.
const STALLED = 301_000;

describe("the stalled-document sweeper", () => {
  it("sends a lost message again with the same ingest key, and the document becomes ready", async () => {
    const tenant = uniqueTenant();
    // Seeded without sending its message: the message was dropped.
    const { id, message } = await seedDocument(tenant, markedText(2));
    await age(id, STALLED);
    await runSweep();
    // The real queue delivers the re-sent message to this worker.
    await expect.poll(async () => (await getDocument(env.DB, tenant, id))?.status, { timeout: 15_000, interval: 100 }).toBe("ready");
    const doc = await getDocument(env.DB, tenant, id);
    expect(doc).toMatchObject({ ingestKey: message.ingestKey, resends: 1, attempts: 1 });
  });

  it("re-sends the message the original would have carried", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, markedText(1));
    await age(id, STALLED);
    const { queue, lost } = losingQueue();
    await runSweep({ INGEST_QUEUE: queue });
    const resent = lost.map((body) => IngestMessage.parse(body)).filter((m) => m.documentId === id);
    expect(resent).toHaveLength(1);
    expect(resent[0]).toMatchObject({ ...message, enqueuedAt: expect.any(Number) });
  });

  it("re-sends once when two sweeps run at once", async () => {
    const tenant = uniqueTenant();
    const { id } = await seedDocument(tenant, markedText(1));
    await age(id, STALLED);
    const { queue, lost } = losingQueue();
    await Promise.all([runSweep({ INGEST_QUEUE: queue }), runSweep({ INGEST_QUEUE: queue }), runSweep({ INGEST_QUEUE: queue })]);
    expect(lost.map((body) => IngestMessage.parse(body)).filter((m) => m.documentId === id)).toHaveLength(1);
  });

  it("marks the document failed (stalled) after STALLED_MAX_RESENDS re-sends that bring no progress", async () => {
    const tenant = uniqueTenant();
    const { id } = await seedDocument(tenant, markedText(1));
    const { queue } = losingQueue();
    for (let sweep = 1; sweep <= 3; sweep++) {
      await age(id, STALLED);
      await runSweep({ INGEST_QUEUE: queue });
      expect(await getDocument(env.DB, tenant, id)).toMatchObject({ status: "queued", resends: sweep });
    }
    await age(id, STALLED);
    await runSweep({ INGEST_QUEUE: queue });
    const doc = await getDocument(env.DB, tenant, id);
    expect(doc?.status).toBe("failed");
    expect(doc?.error?.code).toBe("stalled");
  });

  it("leaves alone documents that are moving, finished, or being deleted", async () => {
    const tenant = uniqueTenant();
    const moving = await seedDocument(tenant, markedText(1) + " moving");
    const finished = await seedDocument(tenant, markedText(1) + " finished");
    await deliver([finished.message]);
    const deleting = await seedDocument(tenant, markedText(1) + " deleting");
    await tombstoneDocument(env.DB, tenant, deleting.id);
    await age(finished.id, STALLED);
    await age(deleting.id, STALLED);
    await age(moving.id, 60_000);

    const { queue, lost } = losingQueue();
    await runSweep({ INGEST_QUEUE: queue });
    const touched = new Set(lost.map((body) => IngestMessage.parse(body).documentId));
    for (const doc of [moving, finished, deleting]) expect(touched.has(doc.id)).toBe(false);
    expect((await getDocument(env.DB, tenant, finished.id))?.status).toBe("ready");
    expect((await getDocument(env.DB, tenant, moving.id))?.resends).toBe(0);
  });
});
