// At-least-once delivery: the same message twice, or a retry after a crash
// half way, leaves exactly one copy of every chunk, FTS entry and vector.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDocument, tombstoneDocument } from "../../shared/documents";
import { upsertChunkStatements } from "../../shared/chunk-store";
import { chunkVectorIds } from "../../shared/ids";
import { interceptedAi } from "../helpers/ai";
import { deliver } from "../helpers/queue";
import { markedText, seedDocument } from "../helpers/seed";
import { uniqueTenant } from "../helpers/tokens";

async function snapshot(tenantId: string, documentId: string) {
  const doc = await getDocument(env.DB, tenantId, documentId);
  const rows = await env.DB.prepare("SELECT chunk_index, text FROM chunks WHERE document_id = ? ORDER BY chunk_index").bind(documentId).all<{ chunk_index: number; text: string }>();
  const total = doc?.chunks ?? 0;
  const vectors = total ? await countVectors(documentId, total + 5) : 0;
  return { doc, rows: rows.results, vectors };
}

async function countVectors(documentId: string, upTo: number): Promise<number> {
  let found = 0;
  const ids = chunkVectorIds(documentId, 0, upTo);
  for (let i = 0; i < ids.length; i += 20) found += (await env.VECTORIZE.getByIds(ids.slice(i, i + 20))).length;
  return found;
}

async function ftsHits(term: string, documentId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid WHERE chunks_fts MATCH ? AND c.document_id = ?")
    .bind(term, documentId)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

describe("idempotent ingestion", () => {
  it("acks a redelivered message for a ready document without changing anything", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, markedText(3));
    const first = await deliver([message]);
    expect(first.explicitAcks).toEqual(first.ids);
    const before = await snapshot(tenant, id);
    expect(before.doc?.status).toBe("ready");
    expect(before.vectors).toBe(before.doc?.chunks);

    const again = await deliver([message], { attempts: 2 });
    expect(again.explicitAcks).toEqual(again.ids);
    expect(again.retryMessages).toEqual([]);
    expect(await snapshot(tenant, id)).toEqual(before);
  });

  it("writes one copy when the same message arrives twice in one batch", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, markedText(4));
    const result = await deliver([message, message]);
    expect(result.explicitAcks).toHaveLength(2);
    const { doc, rows, vectors } = await snapshot(tenant, id);
    expect(doc?.status).toBe("ready");
    expect(rows.map((r) => r.chunk_index)).toEqual(Array.from({ length: doc?.chunks ?? 0 }, (_, i) => i));
    expect(vectors).toBe(doc?.chunks);
    for (const marker of ["marker0", "marker3"]) expect(await ftsHits(marker, id)).toBeGreaterThanOrEqual(1);
    await env.DB.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')").run();
  });

  it("finishes cleanly after a crash half way through, with no duplicates", async () => {
    const tenant = uniqueTenant();
    // Enough text for well over 100 chunks: more than one embedding step.
    const { id, message } = await seedDocument(tenant, markedText(160));
    const crashingAi = interceptedAi((call) => {
      if (call === 2) throw new Error("simulated crash after the first step");
    });
    const crashed = await deliver([message], { env: { AI: crashingAi } });
    expect(crashed.retryMessages.map((m) => m.msgId)).toEqual(crashed.ids);
    const half = await snapshot(tenant, id);
    expect(half.doc?.status).toBe("processing");
    expect(half.doc?.progress.done).toBe(100);
    expect(half.doc?.progress.total).toBeGreaterThan(100);

    const retried = await deliver([message], { attempts: 2 });
    expect(retried.explicitAcks).toEqual(retried.ids);
    const { doc, rows, vectors } = await snapshot(tenant, id);
    expect(doc).toMatchObject({ status: "ready", attempts: 2, chunks: half.doc?.progress.total });
    expect(rows).toHaveLength(doc?.chunks ?? -1);
    expect(vectors).toBe(doc?.chunks);
    expect(await ftsHits("marker0", id)).toBeGreaterThanOrEqual(1);
    expect(await ftsHits("marker159", id)).toBeGreaterThanOrEqual(1);
    await env.DB.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')").run();
  });

  it("removes chunks an earlier ingestion wrote beyond the new chunk count", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, markedText(3));
    await deliver([message]);
    const before = await snapshot(tenant, id);
    const n = before.doc?.chunks ?? 0;
    // As if an earlier chunker had cut the document into n + 2 pieces, then it was queued again.
    const extra = [n, n + 1].map((i) => ({ index: i, text: `stale piece ${i}`, charStart: 0, charEnd: 5, pageStart: 1, pageEnd: 1, tokens: 3 }));
    await env.DB.batch(upsertChunkStatements(env.DB, tenant, id, extra));
    await env.DB.prepare("UPDATE documents SET status = 'queued', chunks = ?, progress_total = ? WHERE id = ?").bind(n + 2, n + 2, id).run();
    await deliver([message], { attempts: 2 });
    const after = await snapshot(tenant, id);
    expect(after.doc).toMatchObject({ status: "ready", chunks: n });
    expect(after.rows.map((r) => r.chunk_index)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(await ftsHits("stale", id)).toBe(0);
  });

  it("cleans up after itself when the document is deleted mid-ingestion", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, markedText(160));
    const deletingAi = interceptedAi(async (call) => {
      // The user deletes the document while the second step is being embedded.
      if (call === 2) await env.DB.prepare("DELETE FROM documents WHERE id = ?").bind(id).run();
    });
    const result = await deliver([message], { env: { AI: deletingAi } });
    expect(result.explicitAcks).toEqual(result.ids);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM chunks WHERE document_id = ?").bind(id).first<{ n: number }>();
    expect(rows?.n).toBe(0);
    await expect.poll(() => countVectors(id, 300), { timeout: 5_000 }).toBe(0);
  });

  it("cleans up when a DELETE starts mid-ingestion (tombstone before the row goes)", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, markedText(160));
    const tombstoningAi = interceptedAi(async (call) => {
      if (call === 2) await tombstoneDocument(env.DB, tenant, id);
    });
    const result = await deliver([message], { env: { AI: tombstoningAi } });
    expect(result.explicitAcks).toEqual(result.ids);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM chunks WHERE document_id = ?").bind(id).first<{ n: number }>();
    expect(rows?.n).toBe(0);
    await expect.poll(() => countVectors(id, 300), { timeout: 5_000 }).toBe(0);
  });

  it("acks a message for a document that no longer exists", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, "short lived");
    await env.DB.prepare("DELETE FROM documents WHERE id = ?").bind(id).run();
    const result = await deliver([message]);
    expect(result.explicitAcks).toEqual(result.ids);
  });

  it("acks (and logs) a message no version of the contract can read", async () => {
    const result = await deliver([{ v: 99, what: "is this" }]);
    expect(result.explicitAcks).toEqual(result.ids);
    expect(result.retryMessages).toEqual([]);
  });

  it("retries only the message that failed, not its batch-mates", async () => {
    const tenant = uniqueTenant();
    const good = await seedDocument(tenant, "Marmalade needs Seville oranges.");
    const bad = await seedDocument(tenant, "Poisoned text that the model refuses.");
    const pickyAi = interceptedAi((_, args) => {
      if (JSON.stringify(args[1]).includes("Poisoned")) throw new Error("3040: Capacity temporarily exceeded");
    });
    const result = await deliver([bad.message, good.message], { env: { AI: pickyAi } });
    const [badId, goodId] = result.ids;
    expect(result.explicitAcks).toEqual([goodId]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual([badId]);
    expect(result.retryBatch.retry).toBe(false);
    expect((await getDocument(env.DB, tenant, good.id))?.status).toBe("ready");
    expect((await getDocument(env.DB, tenant, bad.id))?.status).toBe("processing");
  });
});
