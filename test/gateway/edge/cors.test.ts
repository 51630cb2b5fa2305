// CORS: allowed origins from config (exact and *.domain patterns), preflight
// answered at the edge for any path, exposed headers, nothing for others.
import { describe, expect, it } from "vitest";
import { originAllowed } from "../../../gateway/edge/cors";
import { edgeAuthed, edgeFetch } from "../../helpers/edge";
import { uniqueTenant } from "../../helpers/tokens";

const preflight = (path: string, origin: string, overrides = {}) =>
  edgeFetch(path, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type" } }, overrides);

describe("CORS", () => {
  it("answers the product's original preflight (a path the gateway does not route) with 204 and the CORS headers", async () => {
    const response = await preflight("/api/auth/login", "http://localhost:3000");
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:3000");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    const allowed = (response.headers.get("Access-Control-Allow-Headers") ?? "").toLowerCase();
    expect(allowed).toContain("authorization");
    expect(allowed).toContain("content-type");
    expect(response.headers.get("Access-Control-Max-Age")).toBe("600");
    expect(response.headers.get("Vary")).toContain("Origin");
  });

  it("gives a disallowed origin no Access-Control-Allow-Origin, on preflight or request", async () => {
    const response = await preflight("/v1/search", "https://evil.example");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const request = await edgeFetch("/health", { headers: { Origin: "https://evil.example" } });
    expect(request.status).toBe(200);
    expect(request.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("exposes the headers a browser client needs on real responses, errors included", async () => {
    const response = await edgeAuthed({ tenant: uniqueTenant() }, "/v1/documents", { headers: { Origin: "http://localhost:5173" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");
    const exposed = (response.headers.get("Access-Control-Expose-Headers") ?? "").split(",");
    for (const name of ["X-Request-Id", "RateLimit", "RateLimit-Policy", "Retry-After", "X-Cache", "Location"]) expect(exposed).toContain(name);
    const unauthorized = await edgeFetch("/v1/documents", { headers: { Origin: "http://localhost:5173" } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");
  });

  it("matches https://*.example.com patterns on subdomains only, with the same scheme", async () => {
    const overrides = { CORS_ALLOWED_ORIGINS: "https://*.example.com, https://app.other.org" };
    expect((await preflight("/v1/ask", "https://app.example.com", overrides)).headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
    expect((await preflight("/v1/ask", "https://a.b.example.com", overrides)).headers.get("Access-Control-Allow-Origin")).toBe("https://a.b.example.com");
    for (const origin of ["https://example.com", "http://app.example.com", "https://evilexample.com", "https://example.com.evil.net", "http://localhost:3000"]) {
      expect((await preflight("/v1/ask", origin, overrides)).headers.get("Access-Control-Allow-Origin"), origin).toBeNull();
    }
    expect(originAllowed("https://app.other.org", ["https://app.other.org"])).toBe(true);
  });
});
