// A small client for the gateway as a user sees it: HTTP in, JSON out.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { DocumentJson, ListResponse, UploadResponse } from "../../gateway/routes/documents";
import type { ErrorBody } from "../../gateway/errors";
import { token } from "./tokens";

export const BASE = "http://gateway.test";

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

export async function authed(tenant: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${await token({ tenant })}`);
  return call(path, { ...init, headers });
}

export async function upload(
  tenant: string,
  body: BodyInit,
  { contentType, filename }: { contentType?: string; filename?: string } = {},
): Promise<Response> {
  const query = filename ? `?filename=${encodeURIComponent(filename)}` : "";
  return authed(tenant, `/v1/documents${query}`, {
    method: "POST",
    body,
    headers: contentType ? { "Content-Type": contentType } : {},
  });
}

export async function uploadOk(tenant: string, body: BodyInit, options: { contentType?: string; filename?: string } = {}): Promise<UploadResponse> {
  const response = await upload(tenant, body, options);
  expect(response.status, await response.clone().text()).toBe(202);
  return response.json<UploadResponse>();
}

export async function getDocument(tenant: string, id: string): Promise<DocumentJson> {
  const response = await authed(tenant, `/v1/documents/${id}`);
  expect(response.status).toBe(200);
  return response.json<DocumentJson>();
}

export async function listDocuments(tenant: string, query = ""): Promise<ListResponse> {
  const response = await authed(tenant, `/v1/documents${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<ListResponse>();
}

/** Polls like a client would until the document leaves queued/processing. */
export async function waitUntilSettled(tenant: string, id: string, timeoutMs = 20_000): Promise<DocumentJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const doc = await getDocument(tenant, id);
    if (doc.status === "ready" || doc.status === "failed") return doc;
    if (Date.now() > deadline) throw new Error(`document ${id} still ${doc.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.requestId).toEqual(expect.any(String));
  return body;
}
