// A document whose queue message was lost stays `queued`; uploading the same
// bytes again sends its message again, and the document gets ingested.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RESEND_ON_REUPLOAD_AFTER_MS } from "../../gateway/intake";
import { upload, waitUntilSettled } from "../helpers/api";
import { markedText, seedDocument } from "../helpers/seed";
import { age } from "../helpers/sweep";
import { uniqueTenant } from "../helpers/tokens";

describe("re-uploading a stalled document", () => {
  it("re-enqueues a document whose message was lost, with the same ingest key, and it becomes ready", async () => {
    const tenant = uniqueTenant();
    const text = markedText(2);
    // Stored as an upload would have stored it, but its message never reached the queue.
    const { id, message } = await seedDocument(tenant, text, "text/markdown");
    await age(id, RESEND_ON_REUPLOAD_AFTER_MS + 1000);

    const response = await upload(tenant, text, { contentType: "text/markdown" });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ id, duplicate: true, status: "queued" });
    expect(await waitUntilSettled(tenant, id)).toMatchObject({ status: "ready", attempts: 1 });
    const row = await env.DB.prepare("SELECT ingest_key FROM documents WHERE id = ?").bind(id).first<{ ingest_key: string }>();
    expect(row?.ingest_key).toBe(message.ingestKey);
  });

  it("does not re-enqueue a queued document that is not stalled", async () => {
    const tenant = uniqueTenant();
    const text = markedText(1);
    const { id } = await seedDocument(tenant, text, "text/markdown");
    const response = await upload(tenant, text, { contentType: "text/markdown" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id, duplicate: true, status: "queued" });
  });

  it("sends one message when the same stalled document is re-uploaded many times at once", async () => {
    const tenant = uniqueTenant();
    const text = markedText(1);
    const { id } = await seedDocument(tenant, text, "text/markdown");
    await age(id, RESEND_ON_REUPLOAD_AFTER_MS + 1000);
    const responses = await Promise.all(Array.from({ length: 5 }, () => upload(tenant, text, { contentType: "text/markdown" })));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
    expect(await waitUntilSettled(tenant, id)).toMatchObject({ status: "ready", attempts: 1 });
  });
});
