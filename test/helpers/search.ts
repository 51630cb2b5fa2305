// Search as a client calls it.
import { expect } from "vitest";
import type { SearchResponse } from "../../gateway/routes/search";
import { authed } from "./api";

export function searchRequest(tenant: string, body: unknown): Promise<Response> {
  return authed(tenant, "/v1/search", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
}

export async function searchOk(tenant: string, body: unknown): Promise<SearchResponse> {
  const response = await searchRequest(tenant, body);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<SearchResponse>();
}
