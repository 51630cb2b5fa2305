// Refused bodies are let go of: an oversized body sent chunked (no
// Content-Length) gets its 413, is read to its end rather than left half read
// (which wedged the local server for the next request), and the next request
// is served.
import { describe, expect, it } from "vitest";
import { authed, call, expectError, upload } from "../helpers/api";
import { uniqueTenant } from "../helpers/tokens";
import { trackedBody } from "../helpers/tracked-body";

// The test environment sets MAX_UPLOAD_BYTES to 1 MiB (vitest.config.ts); JSON bodies stop at 64 KiB.
const UPLOAD_LIMIT = 1024 * 1024;
const JSON_LIMIT = 64 * 1024;

describe("oversized chunked bodies", () => {
  it("413s a chunked JSON body over the limit, reads it to its end, and serves the next request", async () => {
    const tenant = uniqueTenant();
    const { stream, state } = trackedBody(JSON_LIMIT * 16, " ");
    const response = await authed(tenant, "/v1/search", { method: "POST", body: stream, headers: { "Content-Type": "application/json" } });
    await expectError(response, 413, "request_too_large");
    await expect.poll(() => state.finished, { timeout: 5_000 }).toBe(true);
    expect(state.sent).toBeGreaterThanOrEqual(JSON_LIMIT * 16);
    expect((await authed(tenant, "/v1/documents")).status).toBe(200);
  });

  it("413s a chunked upload over the limit, reads it to its end, and serves the next request", async () => {
    const tenant = uniqueTenant();
    const { stream, state } = trackedBody(UPLOAD_LIMIT * 4);
    await expectError(await upload(tenant, stream, { contentType: "text/plain" }), 413, "document_too_large");
    await expect.poll(() => state.finished, { timeout: 5_000 }).toBe(true);
    expect((await authed(tenant, "/v1/documents")).status).toBe(200);
  });

  it.each([
    ["a bad token (401)", "/v1/documents", "POST", { Authorization: "Bearer not.a.jwt", "Content-Type": "text/plain" }, 401, "invalid_token"],
    ["a wrong method (405)", "/v1/documents", "PUT", { "Content-Type": "text/plain" }, 405, "method_not_allowed"],
    ["a JSON route sent text (415)", "/v1/search", "POST", { "Content-Type": "text/plain" }, 415, "unsupported_media_type"],
  ] as const)("reads to its end a body refused for %s, and serves the next request", async (_, path, method, headers, status, code) => {
    const tenant = uniqueTenant();
    const { stream, state } = trackedBody(JSON_LIMIT / 2);
    const init = { method, body: stream, headers: { ...headers } };
    const response = "Authorization" in headers ? await call(path, init) : await authed(tenant, path, init);
    await expectError(response, status, code);
    await expect.poll(() => state.finished, { timeout: 5_000 }).toBe(true);
    expect((await authed(tenant, "/v1/documents")).status).toBe(200);
  });
});
