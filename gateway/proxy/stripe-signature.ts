// Stripe webhook signatures, verified as Stripe specifies
// (https://docs.stripe.com/webhooks#verify-manually): the Stripe-Signature
// header carries `t=<unix seconds>` and one or more `v1=<hex HMAC-SHA256>` of
// `${t}.${raw body}` with the endpoint secret (several during secret
// rotation); any v1 may match. The comparison is crypto.subtle.verify, which
// is constant-time. A timestamp further than the tolerance from now (a
// replay, or a badly skewed clock) is refused even with a valid signature.

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing_header" | "malformed_header" | "no_v1_signature" | "stale_timestamp" | "signature_mismatch" };

export async function verifyStripeSignature(
  header: string | null,
  body: ArrayBuffer,
  secret: string,
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: "missing_header" };
  let timestamp: number | undefined;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.split("=", 2).map((s) => s.trim());
    if (key === "t" && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && value) {
      const bytes = hexBytes(value);
      if (bytes) signatures.push(bytes);
    }
  }
  if (timestamp === undefined) return { ok: false, reason: "malformed_header" };
  if (signatures.length === 0) return { ok: false, reason: "no_v1_signature" };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: "stale_timestamp" };

  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const prefix = new TextEncoder().encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.byteLength + body.byteLength);
  signed.set(prefix, 0);
  signed.set(new Uint8Array(body), prefix.byteLength);
  for (const signature of signatures) {
    if (await crypto.subtle.verify("HMAC", key, signature, signed)) return { ok: true };
  }
  return { ok: false, reason: "signature_mismatch" };
}

function hexBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
