// Exponential backoff with full jitter on the upper half, from the queue's attempt count (1-based).
// Queues cap a retry delay at 12 hours (43,200 s).
const MAX_QUEUE_DELAY_SECONDS = 43_200;

export function retryDelaySeconds(attempt: number, baseSeconds: number, maxSeconds: number, random = Math.random): number {
  const exponential = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, Math.round(jittered)));
}
