// RECEIPT_SECRET: the deployment's key for signing chat completion ids as
// receipts (receipt.ts), parsed once per set of bindings. Without it (or with
// one too short) chat still answers, with plain ids, and feedback answers
// server_misconfigured naming the setting.
import { z } from "zod";
import { longEnoughForHmac, MIN_HMAC_SECRET_BYTES } from "../hmac-secret";

const Secret = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined)
  .pipe(z.string({ error: "is missing" }).refine(longEnoughForHmac, `must be at least ${MIN_HMAC_SECRET_BYTES} bytes`));

export type ReceiptKey = { ok: true; key: CryptoKey } | { ok: false; problem: string };

const keys = new WeakMap<object, Promise<ReceiptKey>>();

export function receiptKey(env: Pick<GatewayEnv, "RECEIPT_SECRET">): Promise<ReceiptKey> {
  const cached = keys.get(env);
  if (cached) return cached;
  const key = importKey(env.RECEIPT_SECRET);
  keys.set(env, key);
  return key;
}

async function importKey(value: string | undefined): Promise<ReceiptKey> {
  const parsed = Secret.safeParse(value);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]?.message ?? "is invalid";
    console.error("receipts unsigned: server misconfigured", { setting: "RECEIPT_SECRET", problem });
    return { ok: false, problem };
  }
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(parsed.data), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return { ok: true, key };
}
