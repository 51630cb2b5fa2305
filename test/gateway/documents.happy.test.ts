// Upload -> queue -> consumer -> ready, across both workers, as a client sees it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makePdf } from "../fixtures/pdf";
import { authed, call, listDocuments, upload, uploadOk, waitUntilSettled } from "../helpers/api";
import { uniqueTenant } from "../helpers/tokens";

const MARKDOWN = `# Orchard handbook

## Pruning
Apple trees are pruned in late winter, while they are dormant. Remove crossing branches first.

## Harvest
Pears ripen off the tree: pick them when the neck yields to gentle pressure.
`;

async function chunkRows(documentId: string) {
  const { results } = await env.DB.prepare("SELECT rowid, id, chunk_index, text, page_start, page_end FROM chunks WHERE document_id = ? ORDER BY chunk_index")
    .bind(documentId)
    .all<{ rowid: number; id: string; chunk_index: number; text: string; page_start: number; page_end: number }>();
  return results;
}

describe("document ingest", () => {
  it("ingests a markdown upload until it is searchable", async () => {
    const tenant = uniqueTenant();
    const uploadResponse = await upload(tenant, MARKDOWN, { contentType: "text/markdown", filename: "orchard.md" });
    expect(uploadResponse.status).toBe(202);
    const created = await uploadResponse.json<{ id: string; status: string; duplicate: boolean; filename: string; contentType: string; bytes: number }>();
    expect(uploadResponse.headers.get("Location")).toBe(`/v1/documents/${created.id}`);
    expect(created).toMatchObject({ status: "queued", duplicate: false, filename: "orchard.md", contentType: "text/markdown", bytes: new TextEncoder().encode(MARKDOWN).byteLength });

    const ready = await waitUntilSettled(tenant, created.id);
    expect(ready.status).toBe("ready");
    expect(ready.error).toBeNull();
    expect(ready.pages).toBe(1);
    expect(ready.chunks).toBeGreaterThanOrEqual(1);
    expect(ready.progress).toEqual({ done: ready.chunks, total: ready.chunks });
    expect(ready.attempts).toBe(1);
    expect(Date.parse(ready.updatedAt)).toBeGreaterThanOrEqual(Date.parse(ready.createdAt));

    // Searchable both ways: keyword index and vectors in the tenant's namespace.
    const rows = await chunkRows(created.id);
    expect(rows).toHaveLength(ready.chunks ?? -1);
    const fts = await env.DB.prepare("SELECT c.document_id FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid WHERE chunks_fts MATCH 'dormant' AND c.tenant_id = ?")
      .bind(tenant)
      .all<{ document_id: string }>();
    expect(fts.results.map((r) => r.document_id)).toContain(created.id);
    const vectors = await env.VECTORIZE.getByIds(rows.map((r) => r.id));
    expect(vectors).toHaveLength(rows.length);
    expect(vectors.every((v) => v.namespace === tenant && v.metadata?.["documentId"] === created.id)).toBe(true);
  });

  it("ingests a PDF and remembers which page each chunk came from", async () => {
    const tenant = uniqueTenant();
    const pdf = await makePdf([
      ["Quarterly report.", "Revenue grew in every region."],
      ["The Lisbon office opened in March."],
      ["Appendix: the auditors found no irregularities."],
    ]);
    const created = await uploadOk(tenant, pdf, { contentType: "application/pdf", filename: "report.pdf" });
    expect(created.contentType).toBe("application/pdf");

    const ready = await waitUntilSettled(tenant, created.id, 30_000);
    expect(ready).toMatchObject({ status: "ready", pages: 3 });
    const rows = await chunkRows(created.id);
    const lisbon = rows.find((r) => r.text.includes("Lisbon"));
    expect(lisbon).toBeDefined();
    expect(lisbon?.page_start).toBeLessThanOrEqual(2);
    expect(lisbon?.page_end).toBeGreaterThanOrEqual(2);
    expect(rows.some((r) => r.text.includes("auditors") && r.page_end === 3)).toBe(true);
  });

  it("accepts multipart/form-data with a file field", async () => {
    const tenant = uniqueTenant();
    const form = new FormData();
    form.set("file", new File(["Plain text notes about sourdough starters."], "notes.txt", { type: "text/plain" }));
    const response = await authed(tenant, "/v1/documents", { method: "POST", body: form });
    expect(response.status).toBe(202);
    const created = await response.json<{ id: string; filename: string; contentType: string }>();
    expect(created).toMatchObject({ filename: "notes.txt", contentType: "text/plain" });
    expect((await waitUntilSettled(tenant, created.id)).status).toBe("ready");
  });

  it("takes the filename from Content-Disposition and sniffs PDFs whatever the declared type", async () => {
    const tenant = uniqueTenant();
    const pdf = await makePdf([["Sniffed, not trusted."]]);
    const response = await authed(tenant, "/v1/documents", {
      method: "POST",
      body: pdf,
      headers: { "Content-Type": "application/octet-stream", "Content-Disposition": `attachment; filename="../../etc/sniffed.pdf"` },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ filename: "sniffed.pdf", contentType: "application/pdf" });
  });

  it("does not ingest identical bytes twice for the same tenant", async () => {
    const tenant = uniqueTenant();
    const first = await uploadOk(tenant, MARKDOWN, { contentType: "text/markdown", filename: "a.md" });
    await waitUntilSettled(tenant, first.id);

    const again = await upload(tenant, MARKDOWN, { contentType: "text/markdown", filename: "b.md" });
    expect(again.status).toBe(200);
    const body = await again.json<{ id: string; duplicate: boolean; status: string }>();
    expect(body).toMatchObject({ id: first.id, duplicate: true, status: "ready" });
    expect(again.headers.get("Location")).toBe(`/v1/documents/${first.id}`);
    expect((await listDocuments(tenant)).documents).toHaveLength(1);

    // Another tenant uploading the same bytes gets a document of its own.
    const other = await uploadOk(uniqueTenant(), MARKDOWN, { contentType: "text/markdown" });
    expect(other.id).not.toBe(first.id);
  });

  it("lists a tenant's documents newest first, filtered and paginated", async () => {
    const tenant = uniqueTenant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await uploadOk(tenant, `Document number ${i}: unique words ${crypto.randomUUID()}`, { contentType: "text/plain" })).id);
    }
    for (const id of ids) await waitUntilSettled(tenant, id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listDocuments(tenant, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.documents.length).toBeLessThanOrEqual(2);
      seen.push(...page.documents.map((d) => d.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    expect((await listDocuments(tenant, "?status=ready")).documents).toHaveLength(5);
    expect((await listDocuments(tenant, "?status=failed")).documents).toHaveLength(0);
  });

  it("deletes a document everywhere: R2 object, rows, full-text entries and vectors", async () => {
    const tenant = uniqueTenant();
    const created = await uploadOk(tenant, MARKDOWN, { contentType: "text/markdown" });
    await waitUntilSettled(tenant, created.id);
    const rows = await chunkRows(created.id);
    expect(rows.length).toBeGreaterThan(0);
    const objectKey = `tenants/${tenant}/documents/${created.id}`;
    expect(await env.DOCUMENTS.head(objectKey)).not.toBeNull();

    const deleted = await authed(tenant, `/v1/documents/${created.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);

    expect((await authed(tenant, `/v1/documents/${created.id}`)).status).toBe(404);
    expect(await env.DOCUMENTS.head(objectKey)).toBeNull();
    expect(await chunkRows(created.id)).toHaveLength(0);
    // The index itself, not the content table, must have forgotten the chunks.
    const matches = await env.DB.prepare("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'dormant'").all<{ rowid: number }>();
    const deletedRowids = new Set(rows.map((r) => r.rowid));
    expect(matches.results.filter((m) => deletedRowids.has(m.rowid))).toEqual([]);
    await expect.poll(async () => (await env.VECTORIZE.getByIds(rows.map((r) => r.id))).length, { timeout: 5_000 }).toBe(0);
    // Uploading the same bytes again is a fresh document, not a duplicate of the deleted one.
    expect((await uploadOk(tenant, MARKDOWN, { contentType: "text/markdown" })).duplicate).toBe(false);
  });

  it("answers /health without a token", async () => {
    const response = await call("/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
