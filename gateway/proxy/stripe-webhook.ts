// The Stripe webhook route, checked at the edge when STRIPE_WEBHOOK_SECRET is
// set: an unsigned, forged or replayed-too-late event is refused with 400 and
// never reaches the billing backend. A valid one is forwarded byte for byte
// (the body is read to check it, so it is capped at stripeWebhook.maxBytes).
import { ApiError } from "../errors";
import { discard, readCapped } from "../middleware/body-limit";
import type { ProxyConfig } from "./config";
import { verifyStripeSignature } from "./stripe-signature";

/** The raw body to forward, once verified; null when this request is not a webhook to check. */
export async function checkedStripeWebhook(request: Request, path: string, config: ProxyConfig, secret: string | undefined): Promise<ArrayBuffer | null> {
  const settings = config.stripeWebhook;
  if (!secret || path !== settings.path || request.method !== "POST") return null;
  const body = await readWebhook(request, settings.maxBytes);
  const check = await verifyStripeSignature(request.headers.get("Stripe-Signature"), body, secret, settings.toleranceSeconds);
  if (!check.ok) {
    console.warn("stripe webhook refused", { reason: check.reason });
    throw new ApiError("invalid_webhook_signature", `The Stripe-Signature header does not verify (${check.reason}).`);
  }
  return body;
}

async function readWebhook(request: Request, maxBytes: number): Promise<ArrayBuffer> {
  const tooLarge = () => new ApiError("request_too_large", `Webhook bodies may be at most ${maxBytes} bytes.`);
  if (!request.body) return new ArrayBuffer(0);
  if (!request.headers.has("Transfer-Encoding") && Number(request.headers.get("Content-Length") ?? 0) > maxBytes) {
    await discard(request.body);
    throw tooLarge();
  }
  const bytes = await readCapped(request.body, maxBytes);
  if (!bytes) throw tooLarge();
  return bytes.buffer;
}
