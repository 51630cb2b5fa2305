// How long an HMAC-SHA256 secret must be, for every secret the gateway signs
// or verifies with (JWT_SECRET, RECEIPT_SECRET): RFC 2104 and RFC 7518 §3.2
// want a key at least as long as the hash output.
export const MIN_HMAC_SECRET_BYTES = 32;

export const longEnoughForHmac = (secret: string): boolean => new TextEncoder().encode(secret).byteLength >= MIN_HMAC_SECRET_BYTES;
