// Recording is cheap: a chat request writes no row of its own. The request
// log table is gone, and between two flushes a tenant's rollup rows do not
// grow with its number of requests (3 requests and 30 leave the same rows).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatRequest } from "../../helpers/chat";
import { userInVariant } from "../../helpers/experiments";
import { uniqueTenant } from "../../helpers/tokens";
import { flushUsage, meterOf } from "../../helpers/usage";

/** Rows per table that has a tenant_id, for one tenant: every D1 row a request of that tenant could have written. */
async function rowsOf(tenant: string): Promise<Record<string, number>> {
  const { results: tables } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { results: columns } = await env.DB.prepare(`SELECT name FROM pragma_table_info(?)`).bind(name).all<{ name: string }>();
    if (!columns.some((c) => c.name === "tenant_id")) continue;
    const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM "${name}" WHERE tenant_id = ?`).bind(tenant).first<{ n: number }>();
    counts[name] = row?.n ?? 0;
  }
  return counts;
}

/** Sends the requests, waits until the gate has their records, flushes; returns the rows the flush wrote (one upsert each). */
async function chatAndFlush(tenant: string, requests: number): Promise<number> {
  const user = await userInVariant(tenant, "glm");
  const responses = await Promise.all(Array.from({ length: requests }, (_, i) => chatRequest(tenant, { user, messages: [{ role: "user", content: `hello ${i}` }] })));
  expect(responses.map((r) => r.status)).toEqual(Array(requests).fill(200));
  // The records reach the tenant's gate after the responses, in batches.
  const deadline = Date.now() + 5000;
  while ((await meterOf(tenant).pending()).reduce((n, r) => n + r.requests, 0) < requests) {
    if (Date.now() > deadline) throw new Error("usage not settled in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const written = (await meterOf(tenant).pending()).length;
  await flushUsage(tenant);
  return written;
}

describe("rows written per request", () => {
  it("has no request log table any more", async () => {
    const table = await env.DB.prepare("SELECT name FROM sqlite_master WHERE name = 'ai_requests'").first();
    expect(table).toBeNull();
  });

  it("writes the same rows for 3 requests as for 30 within one flush, and nothing but rollups", async () => {
    const few = uniqueTenant("few");
    const many = uniqueTenant("many");
    const written = await Promise.all([chatAndFlush(few, 3), chatAndFlush(many, 30)]);
    // One rollup row (chat, the variant's model, the variant, this hour) is written for all of them.
    expect(written).toEqual([1, 1]);
    const [fewRows, manyRows] = await Promise.all([rowsOf(few), rowsOf(many)]);
    expect(manyRows).toEqual(fewRows);
    expect(manyRows["usage_rollups"]).toBe(1);
    expect(Object.entries(manyRows).filter(([table, n]) => table !== "usage_rollups" && n > 0)).toEqual([]);
    const stored = await env.DB.prepare("SELECT requests, variant FROM usage_rollups WHERE tenant_id = ?").bind(many).first();
    expect(stored).toEqual({ requests: 30, variant: "simple-model/glm" });
  });
});
