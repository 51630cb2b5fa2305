// One tenant never sees, lists, polls or deletes another tenant's documents.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { workersAiEmbedder } from "../../shared/embeddings";
import { authed, expectError, getDocument, listDocuments, uploadOk, waitUntilSettled } from "../helpers/api";
import { uniqueTenant } from "../helpers/tokens";

describe("tenant isolation", () => {
  it("hides a tenant's documents from every other tenant", async () => {
    const owner = uniqueTenant("owner");
    const intruder = uniqueTenant("intruder");
    const doc = await uploadOk(owner, "Confidential: the merger closes on Friday.", { contentType: "text/plain" });
    await waitUntilSettled(owner, doc.id);

    await expectError(await authed(intruder, `/v1/documents/${doc.id}`), 404, "document_not_found");
    expect((await listDocuments(intruder)).documents).toEqual([]);
    await expectError(await authed(intruder, `/v1/documents/${doc.id}`, { method: "DELETE" }), 404, "document_not_found");

    // The failed delete touched nothing.
    expect((await getDocument(owner, doc.id)).status).toBe("ready");
    const chunks = await env.DB.prepare("SELECT id, tenant_id FROM chunks WHERE document_id = ?").bind(doc.id).all<{ id: string; tenant_id: string }>();
    expect(chunks.results.length).toBeGreaterThan(0);
    expect(chunks.results.every((c) => c.tenant_id === owner)).toBe(true);
    expect(await env.VECTORIZE.getByIds(chunks.results.map((c) => c.id))).toHaveLength(chunks.results.length);
  });

  it("keeps vectors in the owner's namespace", async () => {
    const owner = uniqueTenant("owner");
    const neighbour = uniqueTenant("neighbour");
    const doc = await uploadOk(owner, "Lighthouse keepers log the weather every four hours.", { contentType: "text/plain" });
    // The neighbour's namespace exists and holds vectors, so a query there can find something.
    const theirs = await uploadOk(neighbour, "Lighthouse lamps were once fuelled by whale oil.", { contentType: "text/plain" });
    await waitUntilSettled(owner, doc.id);
    await waitUntilSettled(neighbour, theirs.id);

    const chunks = await env.DB.prepare("SELECT id FROM chunks WHERE document_id = ?").bind(doc.id).all<{ id: string }>();
    const stored = await env.VECTORIZE.getByIds(chunks.results.map((c) => c.id));
    expect(stored.length).toBe(chunks.results.length);
    expect(stored.every((v) => v.namespace === owner)).toBe(true);

    const [probe] = await workersAiEmbedder(env.AI, "@cf/baai/bge-base-en-v1.5")(["lighthouse weather log"]);
    if (!probe) throw new Error("no embedding");
    const mine = await env.VECTORIZE.query(probe, { namespace: owner, topK: 5, returnMetadata: "indexed" });
    expect(mine.matches.some((m) => m.metadata?.["documentId"] === doc.id)).toBe(true);
    const next = await env.VECTORIZE.query(probe, { namespace: neighbour, topK: 20, returnMetadata: "indexed" });
    expect(next.matches.length).toBeGreaterThan(0);
    expect(next.matches.every((m) => m.metadata?.["documentId"] === theirs.id)).toBe(true);
  });
});
