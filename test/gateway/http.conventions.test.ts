// What every route does the same way: content types, methods, trailing
// slashes, security headers, request ids; and how uploads are named and split.
import { describe, expect, it } from "vitest";
import type { UploadResponse } from "../../gateway/routes/documents";
import { authed, call, expectError, upload, uploadOk } from "../helpers/api";
import { token, uniqueTenant } from "../helpers/tokens";

/** As a member of a fresh tenant, or as the operator for /v1/admin. */
async function as(path: string, init: RequestInit = {}): Promise<Response> {
  if (!path.startsWith("/v1/admin")) return authed(uniqueTenant(), path, init);
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${await token({ tenant: "operator", role: "admin" })}`);
  return call(path, { ...init, headers });
}

const JSON_ROUTES = ["/v1/search", "/v1/ask", "/v1/admin/dead-letters/replay"];

describe("content types", () => {
  it.each(JSON_ROUTES)("answers %s with 415 naming the type when the body is not sent as JSON", async (path) => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", ""]) {
      const body = type === "" ? new TextEncoder().encode('{"query":"tea"}') : '{"query":"tea"}';
      const response = await as(path, { method: "POST", body, headers: type ? { "Content-Type": type } : {} });
      const error = await expectError(response, 415, "unsupported_media_type");
      expect(error.error.message).toContain("application/json");
      expect(error.error.message).toContain(type || "no Content-Type");
    }
  });

  it("accepts JSON with parameters or a +json type", async () => {
    const tenant = uniqueTenant();
    for (const type of ["application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json"]) {
      const response = await authed(tenant, "/v1/search", { method: "POST", body: '{"query":"tea","mode":"keyword"}', headers: { "Content-Type": type } });
      expect(response.status, type).toBe(200);
    }
  });
});

describe("methods and paths", () => {
  it.each([
    ["PUT", "/v1/documents", "GET, HEAD, POST"],
    ["PATCH", "/v1/documents/doc_00000000000000000000000000000000", "GET, HEAD, DELETE"],
    ["GET", "/v1/search", "POST"],
    ["DELETE", "/v1/ask", "POST"],
    ["POST", "/v1/admin/dead-letters", "GET, HEAD"],
  ])("answers %s %s with 405 and Allow", async (method, path, allow) => {
    const response = await as(path, { method });
    await expectError(response, 405, "method_not_allowed");
    expect(response.headers.get("Allow")?.split(", ").sort()).toEqual(allow.split(", ").sort());
  });

  it("still answers 404 for a path that does not exist", async () => {
    await expectError(await authed(uniqueTenant(), "/v1/nope", { method: "PUT" }), 404, "not_found");
  });

  it("serves a route with a trailing slash as without", async () => {
    const tenant = uniqueTenant();
    expect((await authed(tenant, "/v1/documents/")).status).toBe(200);
    const search = await authed(tenant, "/v1/search/", { method: "POST", body: '{"query":"tea","mode":"keyword"}', headers: { "Content-Type": "application/json" } });
    expect(search.status).toBe(200);
    expect((await call("/health/")).status).toBe(200);
  });
});

describe("response headers", () => {
  it("sends nosniff, a restrictive CSP and no-store on every response, errors included", async () => {
    const tenant = uniqueTenant();
    for (const response of [await authed(tenant, "/v1/documents"), await call("/v1/documents"), await authed(tenant, "/v1/nope"), await call("/health")]) {
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
      expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    }
  });

  it("keeps a short, safe client X-Request-Id and replaces anything else", async () => {
    const echoed = async (id: string) => (await call("/health", { headers: { "X-Request-Id": id } })).headers.get("X-Request-Id");
    expect(await echoed("req-7f3a_client=1")).toBe("req-7f3a_client=1");
    for (const hostile of ["a".repeat(200), "id with spaces", "<script>", "x\u00e9"]) {
      const id = await echoed(hostile);
      expect(id).not.toBe(hostile);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("multipart uploads", () => {
  it("refuses two file parts with 400 invalid_multipart", async () => {
    const form = new FormData();
    form.append("file", new File(["first file"], "a.txt", { type: "text/plain" }));
    form.append("file", new File(["second file"], "b.txt", { type: "text/plain" }));
    const body = await expectError(await authed(uniqueTenant(), "/v1/documents", { method: "POST", body: form }), 400, "invalid_multipart");
    expect(body.error.message).toMatch(/one file per request/i);
  });

  it("takes the real file when a text part of the same name comes first", async () => {
    const form = new FormData();
    form.append("file", "");
    form.append("file", new File(["The real file about kites."], "kites.txt", { type: "text/plain" }));
    const response = await authed(uniqueTenant(), "/v1/documents", { method: "POST", body: form });
    expect(response.status, await response.clone().text()).toBe(202);
    expect(await response.json()).toMatchObject({ filename: "kites.txt", bytes: 26 });
  });
});

describe("filenames", () => {
  it("truncates a long name between characters and keeps its extension", async () => {
    const long = `${"\u{1F600}".repeat(200)}.md`;
    const created = await uploadOk(uniqueTenant(), "# Smiles", { contentType: "text/markdown", filename: long });
    expect(created.filename.endsWith(".md")).toBe(true);
    expect(created.filename.length).toBeLessThanOrEqual(255);
    // A split surrogate pair would make this throw.
    expect(decodeURIComponent(encodeURIComponent(created.filename))).toBe(created.filename);
    expect(created.filename).toBe(`${"\u{1F600}".repeat(126)}.md`);
  });

  it("does not take . or .. as a name", async () => {
    for (const name of [".", "..", "../..", " .. "]) {
      const response = await upload(uniqueTenant(), `Notes ${name} ${crypto.randomUUID()}`, { contentType: "text/plain", filename: name });
      expect(response.status).toBe(202);
      expect((await response.json<UploadResponse>()).filename).toBe("document.txt");
    }
  });
});
