// Dead letters end to end: a poisoned document exhausts its retries through
// the real queues, lands in the dead letters, and an operator replays it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeadLetterListResponse, ReplayResponse } from "../../gateway/routes/admin";
import { POISON_PILL } from "../fixtures/poison";
import { call, expectError, getDocument, uploadOk, waitUntilSettled } from "../helpers/api";
import { token, uniqueTenant } from "../helpers/tokens";

async function asAdmin(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${await token({ tenant: "operator", role: "admin" })}`);
  if (init.body) headers.set("Content-Type", "application/json");
  return call(path, { ...init, headers });
}

async function replay(body: unknown): Promise<ReplayResponse> {
  const response = await asAdmin("/v1/admin/dead-letters/replay", { method: "POST", body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<ReplayResponse>();
}

async function deadLetters(query: string): Promise<DeadLetterListResponse> {
  const response = await asAdmin(`/v1/admin/dead-letters${query}`);
  expect(response.status).toBe(200);
  return response.json<DeadLetterListResponse>();
}

describe("dead letters and replay", () => {
  it("exhausted retries -> dead letter -> replay -> ready, and replaying again changes nothing", async () => {
    const tenant = uniqueTenant();
    const created = await uploadOk(tenant, `Field notes. ${POISON_PILL} The river froze early this year.`, { contentType: "text/plain" });

    // 1 attempt + 5 retries at ~1 s, then the dead-letter queue's consumer.
    const dead = await waitUntilSettled(tenant, created.id, 40_000);
    expect(dead).toMatchObject({ status: "failed", error: { code: "dead_lettered" }, attempts: 6 });

    const listed = await deadLetters(`?tenant=${tenant}`);
    expect(listed.deadLetters).toHaveLength(1);
    const [letter] = listed.deadLetters;
    expect(letter).toMatchObject({ documentId: created.id, tenantId: tenant, reason: "retries_exhausted", status: "dead", attempts: 6 });
    expect(letter?.lastError).toMatch(/^ai_capacity: 3040/);
    const id = letter?.id ?? "";

    const dry = await replay({ ids: [id], dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, replayed: [{ id, documentId: created.id }], skipped: [], failed: [] });
    expect((await getDocument(tenant, created.id)).status).toBe("failed");

    // The cause goes away (here: the poisoned bytes are replaced in storage), then the operator replays.
    const objectKey = `tenants/${tenant}/documents/${created.id}`;
    await env.DOCUMENTS.put(objectKey, "Field notes. The river froze early this year.");
    const first = await replay({ ids: [id] });
    expect(first).toMatchObject({ dryRun: false, replayed: [{ id }], skipped: [], failed: [] });
    const ready = await waitUntilSettled(tenant, created.id);
    expect(ready).toMatchObject({ status: "ready", error: null });
    expect((await deadLetters(`?tenant=${tenant}`)).deadLetters[0]).toMatchObject({ status: "replayed", replayCount: 1 });

    const second = await replay({ ids: [id] });
    expect(second).toMatchObject({ replayed: [], skipped: [{ id, reason: "already replayed" }], failed: [] });
    const rows = await env.DB.prepare("SELECT count(*) AS n, count(DISTINCT chunk_index) AS d FROM chunks WHERE document_id = ?").bind(created.id).first<{ n: number; d: number }>();
    expect(rows?.n).toBe(ready.chunks);
    expect(rows?.d).toBe(ready.chunks);
    expect((await getDocument(tenant, created.id)).updatedAt).toBe(ready.updatedAt);
  }, 60_000);

  it("reports unknown ids as failed and validates the request", async () => {
    const report = await replay({ ids: ["dl_nope"] });
    expect(report.failed).toEqual([{ id: "dl_nope", documentId: null, tenantId: null, reason: "no such dead letter" }]);
    for (const body of [{}, { ids: [] }, { ids: ["a"], all: true }, { all: false }, { ids: ["a"], extra: 1 }]) {
      await expectError(await asAdmin("/v1/admin/dead-letters/replay", { method: "POST", body: JSON.stringify(body) }), 400, "invalid_request");
    }
    await expectError(await asAdmin("/v1/admin/dead-letters?status=lost"), 400, "invalid_request");
  });

  it("refuses the admin routes to non-admin tokens", async () => {
    for (const [method, path] of [["GET", "/v1/admin/dead-letters"], ["POST", "/v1/admin/dead-letters/replay"]] as const) {
      await expectError(await call(path, { method }), 401, "missing_token");
      const member = await token({ tenant: uniqueTenant() });
      const init = { method, headers: { Authorization: `Bearer ${member}`, "Content-Type": "application/json" }, body: method === "POST" ? JSON.stringify({ all: true }) : null };
      await expectError(await call(path, init), 403, "forbidden");
      const other = await token({ tenant: uniqueTenant(), role: "owner" });
      await expectError(await call(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${other}` } }), 403, "forbidden");
    }
  });
});
