// The upload's bookkeeping: the duplicate check (and the requeue of a failed
// duplicate), the rollback when the queue refuses the message, and DELETE of a
// document left half ingested.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../gateway/app";
import type { UploadResponse } from "../../gateway/routes/documents";
import { markDocumentFailed } from "../../shared/documents";
import type { IngestMessage } from "../../shared/ingest-message";
import { BASE, authed, expectError, listDocuments, upload, uploadOk, waitUntilSettled } from "../helpers/api";
import { token, uniqueTenant } from "../helpers/tokens";

/** A queue binding whose sends fail, as when Queues is unavailable. */
const refusingQueue = { send: () => Promise.reject(new Error("Queue send failed: internal error")) } as unknown as Queue<IngestMessage>;

async function uploadWith(tenant: string, text: string, overrides: Partial<GatewayEnv>): Promise<Response> {
  const request = new Request(`${BASE}/v1/documents`, {
    method: "POST",
    body: text,
    headers: { "Content-Type": "text/plain", Authorization: `Bearer ${await token({ tenant })}` },
  });
  return app.fetch(request, { ...env, ...overrides });
}

describe("duplicates", () => {
  it("answers identical bytes with the existing document, and queues a failed one again", async () => {
    const tenant = uniqueTenant();
    const text = `Ledger notes ${crypto.randomUUID()}: the audit closes in June.`;
    const first = await uploadOk(tenant, text, { contentType: "text/plain" });
    await waitUntilSettled(tenant, first.id);

    const again = await upload(tenant, text, { contentType: "text/plain" });
    expect(again.status).toBe(200);
    expect(await again.json<UploadResponse>()).toMatchObject({ id: first.id, duplicate: true, status: "ready" });

    // Its ingestion failed (as a transient failure that outlived its retries would leave it).
    await env.DB.prepare("UPDATE documents SET status = 'processing' WHERE id = ?").bind(first.id).run();
    expect(await markDocumentFailed(env.DB, first.id, { code: "dead_lettered", message: "retries exhausted" })).toBe(true);
    const retried = await upload(tenant, text, { contentType: "text/plain" });
    expect(retried.status).toBe(202);
    expect(await retried.json<UploadResponse>()).toMatchObject({ id: first.id, duplicate: true, status: "queued", error: null });
    // The message really went out: the consumer takes it to ready again.
    expect(await waitUntilSettled(tenant, first.id)).toMatchObject({ status: "ready", error: null });
    expect((await listDocuments(tenant)).documents).toHaveLength(1);
  });
});

describe("queue failures", () => {
  it("undoes an upload whose message the queue refused: 503, no row, no object", async () => {
    const tenant = uniqueTenant();
    const text = `Draft ${crypto.randomUUID()}: nothing should survive this.`;
    const refused = await uploadWith(tenant, text, { INGEST_QUEUE: refusingQueue });
    await expectError(refused, 503, "service_unavailable");
    expect(refused.headers.get("Retry-After")).toBe("5");
    expect((await listDocuments(tenant)).documents).toEqual([]);
    expect((await env.DOCUMENTS.list({ prefix: `tenants/${tenant}/` })).objects).toEqual([]);
    // Trying again later is a fresh upload, not a duplicate of a ghost.
    expect(await uploadOk(tenant, text, { contentType: "text/plain" })).toMatchObject({ duplicate: false, status: "queued" });
  });

  it("leaves a failed document failed when its requeue cannot be sent", async () => {
    const tenant = uniqueTenant();
    const text = `Minutes ${crypto.randomUUID()}: the board met twice.`;
    const first = await uploadOk(tenant, text, { contentType: "text/plain" });
    await waitUntilSettled(tenant, first.id);
    await env.DB.prepare("UPDATE documents SET status = 'processing' WHERE id = ?").bind(first.id).run();
    await markDocumentFailed(env.DB, first.id, { code: "dead_lettered", message: "retries exhausted" });
    await expectError(await uploadWith(tenant, text, { INGEST_QUEUE: refusingQueue }), 503, "service_unavailable");
    const doc = await (await authed(tenant, `/v1/documents/${first.id}`)).json<UploadResponse>();
    expect(doc).toMatchObject({ status: "failed", error: { code: "dead_lettered" } });
  });
});

describe("deleting a half-ingested document", () => {
  it("removes every vector it planned, though it never counted its chunks", async () => {
    const tenant = uniqueTenant();
    const paragraphs = Array.from({ length: 8 }, (_, i) => `Part ${i}: ${"Quarterly figures rose in every region and the auditors agreed. ".repeat(25)}`);
    const created = await uploadOk(tenant, paragraphs.join("\n\n"), { contentType: "text/plain" });
    const ready = await waitUntilSettled(tenant, created.id);
    const planned = ready.chunks ?? 0;
    expect(planned).toBeGreaterThan(1);
    const ids = Array.from({ length: planned }, (_, i) => `${created.id}:${i}`);
    expect(await env.VECTORIZE.getByIds(ids)).toHaveLength(planned);

    // As a crash mid-ingestion leaves it: vectors written, progress known, chunk count not yet.
    await env.DB.prepare("UPDATE documents SET status = 'processing', chunks = NULL, progress_done = 1, progress_total = ? WHERE id = ?").bind(planned, created.id).run();
    expect((await authed(tenant, `/v1/documents/${created.id}`, { method: "DELETE" })).status).toBe(204);
    await expect.poll(async () => (await env.VECTORIZE.getByIds(ids)).length, { timeout: 5_000 }).toBe(0);
  });
});
