// Signed receipts: a chat completion's `id` (and each of its stream chunks')
// names the request it answered, its experiment, variant and model, and when,
// HMAC-signed over the tenant and that payload. Feedback on a completion
// needs no stored row: the receipt proves the caller's tenant got it.
//   chatcmpl-<base64url payload>.<base64url first 16 bytes of the HMAC-SHA256>
// A receipt is tied to its tenant: verified with another tenant's id it fails,
// exactly as a forged or altered one does.

import { base64url } from "jose";

const PREFIX = "chatcmpl-";
const VERSION = "1";
/** 128 bits of HMAC-SHA256 (RFC 2104 allows truncation to half the output or more). */
const MAC_BYTES = 16;
const SEPARATOR = "\n";

export interface Receipt {
  requestId: string;
  /** Epoch milliseconds, to the second. */
  at: number;
  /** "" when the request was in no experiment. */
  experiment: string;
  variant: string;
  /** The model id that served (gateway/ai/models.ts). */
  model: string;
}

const encoder = new TextEncoder();

export async function signReceipt(key: CryptoKey, tenantId: string, receipt: Receipt): Promise<string> {
  const fields = [VERSION, receipt.requestId, String(Math.floor(receipt.at / 1000)), receipt.experiment, receipt.variant, receipt.model];
  const payload = base64url.encode(fields.join(SEPARATOR));
  return `${PREFIX}${payload}.${base64url.encode(new Uint8Array(await mac(key, tenantId, payload)))}`;
}

/** The receipt, if `id` is one this deployment signed for this tenant; undefined for anything else. */
export async function verifyReceipt(key: CryptoKey, tenantId: string, id: string): Promise<Receipt | undefined> {
  const match = /^chatcmpl-([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(id);
  const [, payload, given] = match ?? [];
  if (payload === undefined || given === undefined) return undefined;
  const expected = await mac(key, tenantId, payload);
  const actual = fromBase64url(given);
  if (!actual || actual.byteLength !== expected.byteLength || !crypto.subtle.timingSafeEqual(actual, expected)) return undefined;
  const bytes = fromBase64url(payload);
  const fields = bytes ? new TextDecoder().decode(bytes).split(SEPARATOR) : [];
  const [version, requestId, seconds, experiment, variant, model] = fields;
  if (fields.length !== 6 || version !== VERSION || !requestId || seconds === undefined || experiment === undefined || variant === undefined || model === undefined) return undefined;
  return { requestId, at: Number(seconds) * 1000, experiment, variant, model };
}

/** The MAC binds the tenant: JSON keeps tenant and payload apart whatever characters they hold. */
async function mac(key: CryptoKey, tenantId: string, payload: string): Promise<ArrayBuffer> {
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(JSON.stringify([tenantId, payload])));
  return signature.slice(0, MAC_BYTES);
}

function fromBase64url(text: string): Uint8Array | undefined {
  try {
    return base64url.decode(text);
  } catch {
    return undefined;
  }
}
