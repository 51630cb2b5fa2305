// Retrying HTTP calls that failed for a passing reason: a refused or dropped
// connection, 429 (rate limited) or a 5xx. Waits follow Retry-After when the server
// gives one, else exponential backoff with full jitter so parallel uploads that fail
// together do not come back together.

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told about each retry before its wait, e.g. to count them on a progress line. */
  onRetry?: (reason: string, waitMs: number) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 15_000 };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** `send` must build a fresh request each time (a body can be read once). */
export async function withRetry(send: () => Promise<Response>, policy: RetryPolicy = DEFAULT_RETRY): Promise<Response> {
  const wait = policy.sleep ?? sleep;
  const random = policy.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= policy.attempts;
    let reason: string;
    let retryAfterMs: number | null = null;
    try {
      const response = await send();
      if (!isRetryableStatus(response.status) || last) return response;
      reason = `HTTP ${response.status}`;
      retryAfterMs = parseRetryAfter(response.headers.get("Retry-After"));
      // Free the connection; the body of a response we will not use is of no interest.
      await response.body?.cancel();
    } catch (error) {
      if (last) throw error;
      reason = error instanceof Error ? error.message : String(error);
    }
    const backoff = random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
    const waitMs = Math.min(policy.maxMs, retryAfterMs ?? backoff);
    policy.onRetry?.(reason, waitMs);
    await wait(waitMs);
  }
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
