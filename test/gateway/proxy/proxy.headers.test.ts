// What the backend receives and what the client gets back: hop-by-hop headers
// dropped, forwarding and identity headers set by the gateway only, and the
// backend's status, Location and cookies passed through unchanged.
import { describe, expect, it } from "vitest";
import { call } from "../../helpers/api";
import { backend, uniquePath } from "../../helpers/backends";
import { token } from "../../helpers/tokens";

interface Echo {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  bytes: number;
}

const main = backend("main");

describe("headers towards the backend", () => {
  it("sets forwarding and identity headers from the verified token, after removing the client's copies", async () => {
    const path = uniquePath("/api/echo");
    const response = await call(`${path}?q=1`, {
      headers: {
        Authorization: `Bearer ${await token({ sub: "alice", tenant: "acme", role: "member", claims: { plan: "pro" } })}`,
        "X-Auth-User": "mallory",
        "X-Auth-Tenant": "victim-tenant",
        "X-Auth-Role": "admin",
        "X-Auth-Plan": "enterprise",
        "X-Forwarded-For": "6.6.6.6",
        "X-Forwarded-Host": "evil.example",
        "X-Real-IP": "6.6.6.6",
        "CF-Connecting-IP": "203.0.113.7",
        "X-Request-Id": "client-chosen-id",
        Connection: "keep-alive, X-Secret-Hop",
        "X-Secret-Hop": "must not pass",
        "Keep-Alive": "timeout=5",
        "Proxy-Authorization": "Basic Zm9vOmJhcg==",
        "X-Custom": "kept",
      },
    });
    expect(response.status).toBe(200);
    const echo = await response.json<Echo>();
    expect(echo.path).toBe(`${path}?q=1`);
    const h = echo.headers;
    expect(h["x-auth-user"]).toBe("alice");
    expect(h["x-auth-tenant"]).toBe("acme");
    expect(h["x-auth-role"]).toBe("member");
    expect(h["x-auth-plan"]).toBe("pro");
    expect(h["x-forwarded-for"]).toBe("203.0.113.7");
    expect(h["x-forwarded-host"]).toBe("gateway.test");
    expect(h["x-forwarded-proto"]).toBe("http");
    expect(h["x-real-ip"]).toBeUndefined();
    expect(h["x-secret-hop"]).toBeUndefined();
    expect(h["keep-alive"]).toBeUndefined();
    expect(h["proxy-authorization"]).toBeUndefined();
    expect(h["x-custom"]).toBe("kept");
    // One id for the whole request: the client sees the one the backend got.
    expect(h["x-request-id"]).toBe(response.headers.get("X-Request-Id"));
    expect(h["host"]).toBe(new URL(main.url).host);
  });

  it("strips identity headers a client sends on a route without auth, and adds none", async () => {
    const response = await call(uniquePath("/api/auth/echo-probe"), { headers: { "X-Auth-User": "mallory", "X-Auth-Tenant": "victim" } });
    // The stand-in has no such auth route: its 404 comes back as is.
    expect(response.status).toBe(404);
    const [seen] = await main.requests("/api/auth/echo-probe");
    expect(seen?.headers["x-auth-user"]).toBeUndefined();
    expect(seen?.headers["x-auth-tenant"]).toBeUndefined();
  });
});

describe("the backend's answer", () => {
  it("passes status, Location and every Set-Cookie through unchanged, without hop-by-hop headers", async () => {
    const path = uniquePath("/api/echo");
    const response = await call(`${path}?status=302&location=/somewhere%3Fx%3D1&cookie=a%3D1%3B%20Path%3D%2F&cookie=b%3D2%3B%20HttpOnly`, {
      headers: { Authorization: `Bearer ${await token({ tenant: "acme" })}` },
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/somewhere?x=1");
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
    expect(response.headers.get("X-Hop")).toBeNull();
    expect(response.headers.get("Keep-Alive")).toBeNull();
    // The backend said "edge"; only the gateway says who served.
    expect(response.headers.get("X-Served-By")).toBe("backend");
    await response.body?.cancel();
  });

  it("passes a backend error status and body through as the backend sent them", async () => {
    const response = await call(`${uniquePath("/api/echo")}?status=422`, { method: "POST", body: "x", headers: { Authorization: `Bearer ${await token({ tenant: "acme" })}` } });
    expect(response.status).toBe(422);
    expect((await response.json<Echo>()).bytes).toBe(1);
  });

  it("reaches a backend that is a Worker through its service binding", async () => {
    const response = await call("/api/worker/anything", { headers: { Authorization: `Bearer ${await token({ tenant: "acme" })}` } });
    // The bound worker (the local stand-ins) answers 404 to plain fetches, naming itself.
    expect(response.status).toBe(404);
    expect(response.headers.get("X-Served-By")).toBe("backend");
    expect(await response.text()).toContain("rag-local-services");
  });

  it("marks the edge's own answers as served by the edge", async () => {
    const response = await call("/health");
    expect(response.headers.get("X-Served-By")).toBe("edge");
  });
});
