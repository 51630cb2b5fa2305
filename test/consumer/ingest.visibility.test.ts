// `ready` waits until Vectorize serves the document's vectors. While it waits,
// the document can be deleted; and if the vectors never show, the message is
// retried later, not acknowledged.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDocument, tombstoneDocument } from "../../shared/documents";
import { chunkVectorIds } from "../../shared/ids";
import { deliver } from "../helpers/queue";
import { markedText, seedDocument } from "../helpers/seed";
import { uniqueTenant } from "../helpers/tokens";
import { neverVisibleVectorize } from "../helpers/vectorize";

const chunkRows = async (id: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM chunks WHERE document_id = ?").bind(id).first<{ n: number }>())?.n;

async function countVectors(documentId: string, upTo: number): Promise<number> {
  let found = 0;
  const ids = chunkVectorIds(documentId, 0, upTo);
  for (let i = 0; i < ids.length; i += 20) found += (await env.VECTORIZE.getByIds(ids.slice(i, i + 20))).length;
  return found;
}

// Long enough that waiting it out cannot pass for noticing the delete.
const LONG_WAIT = { VISIBILITY_TIMEOUT_MS: "20000" } as Partial<ConsumerEnv>;

describe("waiting for vectors to become queryable", () => {
  it("notices a DELETE that starts while it waits, cleans up and acks without a retry", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, markedText(5));
    const index = neverVisibleVectorize(async (read) => {
      if (read === 1) await tombstoneDocument(env.DB, tenant, id);
    });
    const result = await deliver([message], { env: { ...LONG_WAIT, VECTORIZE: index } });
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(result.ids);
    expect(await chunkRows(id)).toBe(0);
    await expect.poll(() => countVectors(id, 20), { timeout: 5_000 }).toBe(0);
  });

  it("stops waiting when the document is re-uploaded under a new ingestion, leaving its chunks to it", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, markedText(5));
    const index = neverVisibleVectorize(async (read) => {
      if (read === 1) await env.DB.prepare("UPDATE documents SET ingest_key = 'newer', status = 'queued' WHERE id = ?").bind(id).run();
    });
    const result = await deliver([message], { env: { ...LONG_WAIT, VECTORIZE: index } });
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(result.ids);
    expect(await chunkRows(id)).toBeGreaterThan(0);
    expect((await getDocument(env.DB, tenant, id))?.status).toBe("queued");
  });

  it("retries the message (never acks it) when the vectors do not show within the timeout", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, markedText(3));
    const result = await deliver([message], { env: { VISIBILITY_TIMEOUT_MS: "600", VECTORIZE: neverVisibleVectorize() } as Partial<ConsumerEnv> });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(result.ids);
    const doc = await getDocument(env.DB, tenant, id);
    expect(doc).toMatchObject({ status: "processing", lastError: "vectors not yet queryable" });
  });
});
