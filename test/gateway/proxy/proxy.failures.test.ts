// A backend that fails: timeouts, retries only where they are safe, failover
// between targets, and 503 upstream_unavailable when nothing answers.
import { describe, expect, it } from "vitest";
import { call, expectError } from "../../helpers/api";
import { backend, uniquePath } from "../../helpers/backends";
import { token } from "../../helpers/tokens";

const auth = async () => ({ Authorization: `Bearer ${await token({ tenant: "acme" })}` });

describe("timeouts", () => {
  it("answers 503 upstream_unavailable with Retry-After when the backend never answers", async () => {
    const slow = backend("slow");
    const path = uniquePath("/api/slow");
    await slow.faults(`hang:1@${path}`);
    const response = await call(path, { headers: await auth() });
    const body = await expectError(response, 503, "upstream_unavailable");
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(body.error.message).not.toContain("127.0.0.1");
    // retries: 0 on this route.
    expect(await slow.requests(path)).toHaveLength(1);
  });
});

describe("retries", () => {
  const retry = backend("retry");

  it.each([502, 503, 504])("retries an idempotent request on %i, then passes the last answer on", async (status) => {
    const path = uniquePath("/api/retry");
    await retry.faults(`${status}:1@${path}`);
    const response = await call(path, { headers: await auth() });
    expect(response.status).toBe(status);
    await response.body?.cancel();
    expect(await retry.requests(path)).toHaveLength(3);
  });

  it("retries an idempotent request after a connection failure, then answers 503", async () => {
    const path = uniquePath("/api/retry");
    await retry.faults(`reset:1@${path}`);
    await expectError(await call(path, { method: "DELETE", headers: await auth() }), 503, "upstream_unavailable");
    expect(await retry.requests(path)).toHaveLength(3);
  });

  it("succeeds when a retry does", async () => {
    const path = uniquePath("/api/retry");
    await retry.faults(`503:0.5@${path}`);
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await call(path, { headers: await auth() })).status));
    // With two retries a request fails only if three draws in a row do.
    expect(statuses.filter((s) => s === 404).length).toBeGreaterThan(10);
  });

  it("never retries a POST, whatever the failure", async () => {
    const failing = uniquePath("/api/retry");
    await retry.faults(`503:1@${failing}`);
    const response = await call(failing, { method: "POST", body: "{}", headers: await auth() });
    expect(response.status).toBe(503);
    await response.body?.cancel();
    expect(await retry.requests(failing)).toHaveLength(1);

    const reset = uniquePath("/api/retry");
    await retry.faults(`reset:1@${reset}`);
    await expectError(await call(reset, { method: "POST", body: "{}", headers: await auth() }), 503, "upstream_unavailable");
    expect(await retry.requests(reset)).toHaveLength(1);

    // Not even a POST without a body, which could technically be sent again.
    const empty = uniquePath("/api/retry");
    await retry.faults(`reset:1@${empty}`);
    await expectError(await call(empty, { method: "POST", headers: await auth() }), 503, "upstream_unavailable");
    expect(await retry.requests(empty)).toHaveLength(1);
  });

  it("does not retry a 500, nor a PUT whose streamed body cannot be replayed", async () => {
    const error = uniquePath("/api/retry");
    await retry.faults(`500:1@${error}`);
    expect((await call(error, { headers: await auth() })).status).toBe(500);
    expect(await retry.requests(error)).toHaveLength(1);

    const put = uniquePath("/api/retry");
    await retry.faults(`503:1@${put}`);
    const body = new ReadableStream({ pull: (c) => { c.enqueue(new TextEncoder().encode("data")); c.close(); } });
    expect((await call(put, { method: "PUT", body, headers: await auth() })).status).toBe(503);
    expect(await retry.requests(put)).toHaveLength(1);
  });
});

describe("failover", () => {
  const a = backend("failover-a");
  const b = backend("failover-b");

  it("sends a request to the next target when the first refuses the connection", async () => {
    const path = uniquePath("/api/failover/echo");
    await a.faults(`reset:1@${path}`);
    const response = await call(path, { headers: await auth() });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ server: "failover-b" });
    expect(await a.requests(path)).toHaveLength(1);
    expect(await b.requests(path)).toHaveLength(1);
  });

  it("moves on when the first target hangs past the attempt timeout", async () => {
    const path = uniquePath("/api/failover/echo");
    await a.faults(`hang:1@${path}`);
    const response = await call(path, { headers: await auth() });
    expect(await response.json()).toMatchObject({ server: "failover-b" });
  });

  it("answers 503 upstream_unavailable with Retry-After when every target is down", async () => {
    const response = await call(uniquePath("/api/dead"), { headers: await auth() });
    await expectError(response, 503, "upstream_unavailable");
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
