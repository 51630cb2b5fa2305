// Lets the runtime look at its sockets before the ingestion goes on.
//
// Locally, `npm run dev` runs every worker (gateway, consumer, the stand-ins for
// Workers AI and Vectorize, D1) in one workerd process on one thread. Calls
// between them resolve inside that process, so an ingestion's chain of awaits
// never leaves the event loop idle, and workerd only polls for network I/O when
// it is idle: requests to the gateway (a poll, a DELETE) waited for the whole
// invocation, and wrangler's proxy gave up on some of them. A timer is only
// served after that poll, so awaiting one lets pending requests in. Deployed,
// each worker has its own isolate and this costs a timer tick.
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
