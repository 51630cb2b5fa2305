// Sends one client request to an upstream: failover between its targets,
// retries where they are safe, a deadline for the response's headers, and the
// shared breaker. The body is streamed both ways, never read here.
//
// Retries: only idempotent methods without a body (a streamed body cannot be
// sent twice without buffering it), only after a connection failure, a
// timeout, 502, 503 or 504, each to the next target, with exponential backoff
// and jitter, all within the route's timeout. A POST gets exactly one attempt.
import { ApiError } from "../errors";
import type { Breaker } from "./breaker";
import { clientResponseHeaders } from "./headers";
import { upstreamUrl } from "./routing";
import type { Target } from "./targets";

export interface ForwardPolicy {
  timeoutMs: number;
  attemptTimeoutMs?: number | undefined;
  retries: number;
  retryBackoffMs: number;
}

export interface Outgoing {
  method: string;
  url: URL;
  headers: Headers;
  body: ReadableStream | ArrayBuffer | null;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
const RETRY_STATUSES = new Set([502, 503, 504]);

type Attempt = { kind: "response"; response: Response } | { kind: "failed"; reason: string };

export async function forward(outgoing: Outgoing, targets: readonly Target[], policy: ForwardPolicy, breaker: Breaker, requestId: string): Promise<Response> {
  const deadline = Date.now() + policy.timeoutMs;
  const replayable = IDEMPOTENT.has(outgoing.method) && (outgoing.body === null || outgoing.body instanceof ArrayBuffer);
  const attempts = replayable ? 1 + policy.retries : 1;
  let next = 0;
  let lastFailure = "every target's breaker is open";
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(Math.min(backoff(policy.retryBackoffMs, attempt), deadline - Date.now()));
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const target = await admitted(targets, next, breaker, policy.timeoutMs);
    if (!target) break;
    next = target.index + 1;
    const result = await send(target, outgoing, Math.min(remaining, policy.attemptTimeoutMs ?? remaining));
    if (result.kind === "response") {
      const failed = RETRY_STATUSES.has(result.response.status);
      await breaker.report(target.key, !failed, `status ${result.response.status}`);
      if (!failed || !replayable || attempt === attempts - 1) return toClient(result.response, requestId);
      lastFailure = `status ${result.response.status}`;
      await result.response.body?.cancel();
    } else {
      lastFailure = result.reason;
      await breaker.report(target.key, false, result.reason);
    }
  }
  throw await unavailable(breaker, lastFailure, policy.timeoutMs);
}

/** The first target from `start` on (wrapping) whose breaker lets a request through. */
async function admitted(targets: readonly Target[], start: number, breaker: Breaker, leaseMs: number): Promise<Target | undefined> {
  for (let i = 0; i < targets.length; i++) {
    const target = targets[(start + i) % targets.length];
    if (target && (await breaker.admit(target.key, leaseMs))) return target;
  }
  return undefined;
}

async function send(target: Target, outgoing: Outgoing, timeoutMs: number): Promise<Attempt> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const request = new Request(upstreamUrl(target.base, outgoing.url), {
      method: outgoing.method,
      headers: outgoing.headers,
      body: outgoing.body,
      redirect: "manual",
      signal: controller.signal,
    });
    return { kind: "response", response: await target.send(request) };
  } catch (error) {
    return { kind: "failed", reason: controller.signal.aborted ? `no response within ${timeoutMs} ms` : `connection failed: ${String(error)}` };
  } finally {
    // Only the wait for the headers is bounded: the body may stream for long.
    clearTimeout(timer);
  }
}

function toClient(response: Response, requestId: string): Response {
  const headers = clientResponseHeaders(response.headers, requestId);
  if (response.webSocket) return new Response(null, { status: 101, webSocket: response.webSocket, headers });
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function unavailable(breaker: Breaker, reason: string, timeoutMs: number): Promise<ApiError> {
  console.warn("upstream unavailable", { reason });
  const reopensAt = await breaker.reopensAt();
  const seconds = reopensAt === null ? Math.max(1, Math.ceil(timeoutMs / 1000)) : Math.max(1, Math.ceil((reopensAt - Date.now()) / 1000));
  return new ApiError("upstream_unavailable", "The backend for this route is unavailable; retry later.", { "Retry-After": String(seconds) });
}

const backoff = (baseMs: number, attempt: number) => {
  const ms = baseMs * 2 ** (attempt - 1);
  return ms / 2 + (Math.random() * ms) / 2;
};

const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
