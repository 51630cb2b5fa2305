// Bad uploads and bad requests get a 4xx with a stable code, never a 5xx.
import { describe, expect, it } from "vitest";
import { authed, expectError, upload } from "../helpers/api";
import { uniqueTenant } from "../helpers/tokens";

// The test environment sets MAX_UPLOAD_BYTES to 1 MiB (vitest.config.ts).
const LIMIT = 1024 * 1024;

describe("upload errors", () => {
  it("rejects a body over the configured size limit with 413", async () => {
    const body = "a".repeat(LIMIT + 1);
    await expectError(await upload(uniqueTenant(), body, { contentType: "text/plain" }), 413, "document_too_large");
  });

  it("rejects an oversized body sent without Content-Length (streamed)", async () => {
    const chunk = new TextEncoder().encode("b".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > LIMIT * 2) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    await expectError(await upload(uniqueTenant(), stream, { contentType: "text/plain" }), 413, "document_too_large");
  });

  it("rejects an oversized file inside multipart with 413", async () => {
    const form = new FormData();
    form.set("file", new File(["c".repeat(LIMIT + 10)], "big.txt", { type: "text/plain" }));
    await expectError(await authed(uniqueTenant(), "/v1/documents", { method: "POST", body: form }), 413, "document_too_large");
  });

  it("accepts a body exactly at the limit", async () => {
    const response = await upload(uniqueTenant(), "d ".repeat(LIMIT / 2), { contentType: "text/plain" });
    expect(response.status).toBe(202);
  });

  it("rejects an empty body with 400", async () => {
    await expectError(await upload(uniqueTenant(), "", { contentType: "text/plain" }), 400, "empty_document");
  });

  it("rejects unsupported types with 415", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await expectError(await upload(uniqueTenant(), png, { contentType: "image/png" }), 415, "unsupported_media_type");
    await expectError(await upload(uniqueTenant(), "{}", { contentType: "application/json" }), 415, "unsupported_media_type");
    // A string body would get text/plain from fetch itself; bytes go without a type.
    await expectError(await upload(uniqueTenant(), new TextEncoder().encode("no type at all")), 415, "unsupported_media_type");
  });

  it("rejects a file that claims to be a PDF but is not (415)", async () => {
    await expectError(await upload(uniqueTenant(), "just text", { contentType: "application/pdf", filename: "fake.pdf" }), 415, "unsupported_media_type");
  });

  it("rejects binary bytes declared as text (415)", async () => {
    const binary = new Uint8Array([0x66, 0x6f, 0x00, 0xff, 0xfe, 0x01]);
    await expectError(await upload(uniqueTenant(), binary, { contentType: "text/plain" }), 415, "unsupported_media_type");
  });

  it("keeps text that merely mentions the PDF header as text", async () => {
    const response = await upload(uniqueTenant(), "# PDF notes\n\nA PDF file starts with %PDF-1.7 and a binary comment.", { contentType: "text/markdown" });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ contentType: "text/markdown" });
  });

  it("infers text types from the extension when the declared type is generic", async () => {
    const response = await upload(uniqueTenant(), "# Title\n\nbody", { contentType: "application/octet-stream", filename: "notes.md" });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ contentType: "text/markdown" });
  });

  it("rejects multipart bodies without a file field (400)", async () => {
    const form = new FormData();
    form.set("document", "not a file");
    await expectError(await authed(uniqueTenant(), "/v1/documents", { method: "POST", body: form }), 400, "invalid_multipart");
  });

  it("rejects malformed multipart (400)", async () => {
    const response = await authed(uniqueTenant(), "/v1/documents", {
      method: "POST",
      body: "--x\r\nnonsense",
      headers: { "Content-Type": "multipart/form-data; boundary=zzz" },
    });
    await expectError(response, 400, "invalid_multipart");
  });
});

describe("read errors", () => {
  it("answers 404 for an unknown document", async () => {
    await expectError(await authed(uniqueTenant(), "/v1/documents/doc_missing"), 404, "document_not_found");
    await expectError(await authed(uniqueTenant(), "/v1/documents/doc_missing", { method: "DELETE" }), 404, "document_not_found");
  });

  it("validates list parameters", async () => {
    const tenant = uniqueTenant();
    await expectError(await authed(tenant, "/v1/documents?limit=0"), 400, "invalid_request");
    await expectError(await authed(tenant, "/v1/documents?limit=abc"), 400, "invalid_request");
    await expectError(await authed(tenant, "/v1/documents?limit=101"), 400, "invalid_request");
    await expectError(await authed(tenant, "/v1/documents?status=done"), 400, "invalid_request");
    await expectError(await authed(tenant, "/v1/documents?cursor=not-a-cursor"), 400, "invalid_cursor");
  });

  it("answers unknown routes with the error envelope", async () => {
    await expectError(await authed(uniqueTenant(), "/v1/nope"), 404, "not_found");
  });
});
