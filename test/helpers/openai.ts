// The official `openai` SDK pointed at the gateway (inside workerd, through
// its fetch handler), with a token of the given tenant as the API key.
import { exports } from "cloudflare:workers";
import OpenAI from "openai";
import { BASE } from "./api";
import { token } from "./tokens";

export async function openai(tenant: string, options: { sub?: string } = {}): Promise<OpenAI> {
  return new OpenAI({
    apiKey: await token({ tenant, ...options }),
    baseURL: `${BASE}/v1`,
    // Retries would hide the first answer, which is what tests check.
    maxRetries: 0,
    fetch: (input: string | URL | Request, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
  });
}
