// What went wrong in an attempt, in words an operator can act on. Every
// error that reaches here is retried (permanent failures are values, never
// thrown); the class only shapes the delay and the record.

export interface AttemptFailure {
  code: "ai_capacity" | "ai_daily_limit" | "ai_error" | "vectorize_error" | "storage_error" | "timeout" | "internal_error";
  detail: string;
  /** Retrying sooner than this is pointless. */
  minDelaySeconds?: number;
}

// Workers AI's free allocation resets daily; capacity usually returns within minutes.
const DAILY_LIMIT_DELAY_SECONDS = 3600;

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

export function describeFailure(error: unknown): AttemptFailure {
  const detail = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  if (error instanceof TimeoutError) return { code: "timeout", detail };
  if (/^(AiError: )?3040\b/.test(detail)) return { code: "ai_capacity", detail };
  if (/^(AiError: )?3036\b/.test(detail)) return { code: "ai_daily_limit", detail, minDelaySeconds: DAILY_LIMIT_DELAY_SECONDS };
  if (/^(AiError: )?\d{4}: /.test(detail)) return { code: "ai_error", detail };
  if (/^VECTOR_\w+_ERROR/.test(detail)) return { code: "vectorize_error", detail };
  if (/D1_|SQLITE|R2/.test(detail)) return { code: "storage_error", detail };
  return { code: "internal_error", detail };
}

/** Rejects with a TimeoutError when `promise` has not settled in `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
