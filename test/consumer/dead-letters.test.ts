// The dead-letter queue's consumer records what the ingest queue gave up on.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDeadLetters, listDeadLetters } from "../../shared/dead-letters";
import { getDocument } from "../../shared/documents";
import { interceptedAi } from "../helpers/ai";
import { deliver } from "../helpers/queue";
import { seedDocument } from "../helpers/seed";
import { uniqueTenant } from "../helpers/tokens";

const failingAi = interceptedAi(() => {
  throw new Error("3040: Capacity temporarily exceeded, please try again.");
});

describe("dead letters", () => {
  it("records an exhausted message with its last error and fails the document as dead_lettered", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, "Never gets embedded.");
    for (let attempt = 1; attempt <= 3; attempt++) await deliver([message], { attempts: attempt, env: { AI: failingAi } });
    expect(await getDocument(env.DB, tenant, id)).toMatchObject({ status: "processing", attempts: 3 });

    const dead = await deliver([message], { queue: "rag-ingest-dlq", attempts: 1 });
    expect(dead.explicitAcks).toEqual(dead.ids);

    const doc = await getDocument(env.DB, tenant, id);
    expect(doc).toMatchObject({ status: "failed", error: { code: "dead_lettered" } });
    const [letter] = await getDeadLetters(env.DB, [`dl_${message.ingestKey}`]);
    expect(letter).toMatchObject({
      tenantId: tenant,
      documentId: id,
      reason: "retries_exhausted",
      status: "dead",
      attempts: 3,
      queue: "rag-ingest-dlq",
      body: message,
    });
    expect(letter?.lastError).toMatch(/^ai_capacity: 3040/);
    expect(letter?.firstSeenAt).toBe(letter?.lastSeenAt);

    // Delivered to the dead-letter queue again (at least once): still the document's 3 attempts.
    await deliver([message], { queue: "rag-ingest-dlq", attempts: 2 });
    const [again] = await getDeadLetters(env.DB, [`dl_${message.ingestKey}`]);
    expect(again?.attempts).toBe(3);
  });

  it("keeps one record when the same message is dead-lettered twice", async () => {
    const tenant = uniqueTenant();
    const { message } = await seedDocument(tenant, "Dead twice.");
    await deliver([message], { queue: "rag-ingest-dlq" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await deliver([message], { queue: "rag-ingest-dlq" });
    const { deadLetters } = await listDeadLetters(env.DB, { tenantId: tenant, limit: 10 });
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.lastSeenAt).toBeGreaterThan(deadLetters[0]?.firstSeenAt ?? Infinity);
    // attempts is the document's count (never processed here), not a sum over deliveries.
    expect(deadLetters[0]?.attempts).toBe(0);
  });

  it("keeps an unreadable message from either queue instead of dropping it", async () => {
    const body = { v: 99, note: `from the future ${crypto.randomUUID()}` };
    const fromMain = await deliver([body]);
    expect(fromMain.explicitAcks).toEqual(fromMain.ids);
    const fromDlq = await deliver([{ garbage: true }], { queue: "rag-ingest-dlq" });
    expect(fromDlq.explicitAcks).toEqual(fromDlq.ids);

    const letters = await getDeadLetters(env.DB, [`dl_${fromMain.ids[0]}`, `dl_${fromDlq.ids[0]}`]);
    expect(letters.map((l) => l.reason)).toEqual(["unreadable", "unreadable"]);
    expect(letters.find((l) => l.queue === "rag-ingest")?.body).toEqual(body);
  });

  it("leaves a document that became ready alone", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, "Made it in the end.");
    await deliver([message]);
    await deliver([message], { queue: "rag-ingest-dlq" });
    expect((await getDocument(env.DB, tenant, id))?.status).toBe("ready");
  });
});
