// Gradual rollout of /v1/documents (served by the edge and by the backend in
// the test config): a share of users at the edge, sticky per user, set by the
// admin API, with 0 as the rollback.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { proxyConfig } from "../../../gateway/proxy/config";
import { rolloutBucket, rolloutShare, servedAtEdge } from "../../../gateway/proxy/rollout";
import { call, expectError } from "../../helpers/api";
import { token } from "../../helpers/tokens";

const ROUTE = "/v1/documents";
const admin = async () => ({ Authorization: `Bearer ${await token({ sub: "ops", tenant: "operator", role: "admin" })}`, "Content-Type": "application/json" });
const users = Array.from({ length: 1_000 }, (_, i) => ({ sub: `user-${i}`, tenant: `tenant-${i % 37}` }));

const setShare = async (percent: number) => {
  const response = await call("/v1/admin/rollout", { method: "PUT", headers: await admin(), body: JSON.stringify({ prefix: ROUTE, percent }) });
  expect(response.status, await response.clone().text()).toBe(200);
  expect(await response.json()).toMatchObject({ prefix: ROUTE, percent, source: "kv", updatedBy: "ops@operator" });
};

/** The side the gateway's rule puts each user on, with the share read from KV as the gateway reads it. */
async function predicted(list: typeof users): Promise<string[]> {
  const route = proxyConfig(env)?.rollout.find((r) => r.prefix === ROUTE);
  if (!route) throw new Error("no rollout route in the test config");
  const { percent } = await rolloutShare(env.ROLLOUT, route);
  return Promise.all(list.map(async (u) => (servedAtEdge(await rolloutBucket(ROUTE, u.tenant, u.sub), percent) ? "edge" : "backend")));
}

/** Who actually served each user through the gateway (20 at a time). */
async function observed(list: typeof users): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < list.length; i += 20) {
    out.push(
      ...(await Promise.all(
        list.slice(i, i + 20).map(async (u) => {
          const response = await call(ROUTE, { headers: { Authorization: `Bearer ${await token({ sub: u.sub, tenant: u.tenant })}` } });
          expect(response.status).toBe(200);
          const side = response.headers.get("X-Served-By") ?? "none";
          const body = await response.json<{ servedBy?: string; user?: string; tenant?: string }>();
          // The backend got the verified identity.
          if (side === "backend") expect(body).toMatchObject({ servedBy: "main", user: u.sub, tenant: u.tenant });
          return side;
        }),
      )),
    );
  }
  return out;
}

describe("rollout", () => {
  it("at 10%, splits 1,000 users within a few points of 10%, and each user always lands on the same side", async () => {
    await setShare(10);
    const sides = await predicted(users);
    const atEdge = sides.filter((s) => s === "edge").length;
    expect(atEdge).toBeGreaterThanOrEqual(70);
    expect(atEdge).toBeLessThanOrEqual(130);
    // The same rule, again: nothing random in it.
    expect(await predicted(users)).toEqual(sides);

    // Through the gateway: every user of a sample is served where the rule says, on every request.
    const sample = users.slice(0, 150);
    const first = await observed(sample);
    expect(first).toEqual(sides.slice(0, 150));
    expect(await observed(sample)).toEqual(first);
    expect(first).toContain("edge");
    expect(first).toContain("backend");
  }, 120_000);

  it("only moves users from the backend to the edge as the share grows", async () => {
    await setShare(10);
    const at10 = await predicted(users);
    await setShare(50);
    const at50 = await predicted(users);
    at10.forEach((side, i) => {
      if (side === "edge") expect(at50[i]).toBe("edge");
    });
    const half = at50.filter((s) => s === "edge").length;
    expect(half).toBeGreaterThanOrEqual(450);
    expect(half).toBeLessThanOrEqual(550);
  });

  it("rolls back to the backend at 0 and serves everyone at the edge at 100", async () => {
    const some = users.slice(0, 40);
    await setShare(0);
    expect(new Set(await observed(some))).toEqual(new Set(["backend"]));
    await setShare(100);
    expect(new Set(await observed(some))).toEqual(new Set(["edge"]));
  }, 60_000);

  it("lists the rollout routes with their shares, for admins only", async () => {
    const listed = await call("/v1/admin/rollout", { headers: await admin() });
    expect(await listed.json()).toMatchObject({ routes: [{ prefix: ROUTE, upstream: "main" }] });
    const member = { Authorization: `Bearer ${await token({ tenant: "acme" })}`, "Content-Type": "application/json" };
    await expectError(await call("/v1/admin/rollout", { method: "PUT", headers: member, body: JSON.stringify({ prefix: ROUTE, percent: 0 }) }), 403, "forbidden");
    await expectError(await call("/v1/admin/rollout", { method: "PUT", headers: await admin(), body: JSON.stringify({ prefix: "/v1/nope", percent: 5 }) }), 400, "invalid_request");
    await expectError(await call("/v1/admin/rollout", { method: "PUT", headers: await admin(), body: JSON.stringify({ prefix: ROUTE, percent: 101 }) }), 400, "invalid_request");
  });
});
