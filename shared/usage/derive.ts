// The figures the product's promise is judged by, derived from rollups:
// where requests were served, what share was free, dollars per 1,000
// requests / questions / per ingested page, cache hit rate, and the savings
// against sending every AI request to OpenAI. Pure arithmetic, so it is
// tested on known inputs and shared by the admin API and `npm run cost:report`.
import { baselineUsd } from "./cost";
import { FREE_NEURONS_PER_DAY, MODEL_PRICES } from "./prices";
import type { RollupRow } from "./rollup";

export interface ServedBy {
  /** Answered from a cache (exact or semantic): no model ran. */
  cache: number;
  /** AI routes answered without a model (nothing relevant to answer from). */
  noModel: number;
  /** Workers AI within the free daily Neurons (prorated per day when the day went over). */
  workersAiFree: number;
  workersAiPaid: number;
  openai: number;
  /** Requests the edge served outside the AI routes (documents, admin, reports): no AI cost. */
  other: number;
  /** Requests the legacy backend served (proxied routes, /v1 routes the rollout handed over): not free, its cost is the backend's. */
  backend: number;
}

export interface DerivedReport {
  requests: { total: number; ai: number; questions: number; servedBy: ServedBy };
  /** Share of all requests / of AI-route requests that cost nothing in AI. */
  freeShare: number;
  aiFreeShare: number;
  cacheHitRate: number;
  neurons: { total: number; free: number; billable: number };
  usd: { listPrice: number; billed: number; workersAi: number; openai: number };
  usdPer1kRequests: number;
  usdPer1kQuestions: number | null;
  usdPerIngestedPage: number | null;
  ingest: { ingestions: number; pages: number; usd: number };
  /**
   * What the edge layer's own stores were asked for, per the platform's bill:
   * `vectorQueries` are the query embeddings of searches and questions (each
   * is one Vectorize query) less the semantic-cache hits (embedded, nothing
   * queried); `cacheable` the searches and questions (each looks in the
   * cache); `cacheStores` those answered fresh, each stored once (an upper
   * bound: degraded and failed answers are not stored).
   */
  platform: { vectorQueries: number; cacheable: number; cacheStores: number };
  baseline: { usd: number; savingsUsd: number; savingsShare: number | null };
}

const AI_ROUTES = new Set(["chat", "embeddings", "search", "ask"]);
const dayOf = (hour: string) => hour.slice(0, 10);
const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** Workers AI Neurons per UTC day, account-wide (the free allocation is per account, not per tenant). */
export function neuronsByDay(rows: readonly RollupRow[]): Map<string, number> {
  const days = new Map<string, number>();
  for (const r of rows) if (r.provider === "workers-ai") days.set(dayOf(r.hour), (days.get(dayOf(r.hour)) ?? 0) + r.neurons);
  return days;
}

/** The share of a day's Neurons that the free allocation covered. */
export function freeFraction(dayNeurons: number, freePerDay = FREE_NEURONS_PER_DAY): number {
  return dayNeurons <= freePerDay ? 1 : freePerDay / dayNeurons;
}

/**
 * `rows` are the rows reported on; `accountNeurons` the account's Neurons per
 * day over the same range (all tenants), which decides what was free.
 */
export function deriveReport(rows: readonly RollupRow[], accountNeurons: ReadonlyMap<string, number> = neuronsByDay(rows)): DerivedReport {
  const served: ServedBy = { cache: 0, noModel: 0, workersAiFree: 0, workersAiPaid: 0, openai: 0, other: 0, backend: 0 };
  let listPrice = 0, billedWorkersAi = 0, openai = 0, questions = 0, askBilled = 0, neurons = 0, freeNeurons = 0;
  const ingest = { ingestions: 0, pages: 0, usd: 0 };
  const platform = { vectorQueries: 0, cacheable: 0, cacheStores: 0 };
  // Baseline per route; cache hits carry no tokens, so each is priced as the
  // route's average uncached request.
  const baseline = new Map<string, { usd: number; requests: number; hits: number }>();

  for (const r of rows) {
    const f = freeFraction(accountNeurons.get(dayOf(r.hour)) ?? r.neurons);
    const billed = r.provider === "workers-ai" ? r.usd * (1 - f) : r.usd;
    listPrice += r.usd;
    if (r.provider === "workers-ai") {
      billedWorkersAi += billed;
      neurons += r.neurons;
      freeNeurons += r.neurons * f;
    } else if (r.provider === "openai") openai += r.usd;

    if (r.route === "ingest") {
      ingest.ingestions += r.requests;
      ingest.pages += r.pages;
      ingest.usd += billed;
    } else if (r.route === "proxy") served.backend += r.requests;
    else if (!AI_ROUTES.has(r.route)) served.other += r.requests;
    else {
      const hits = r.cacheHits + r.semanticHits;
      served.cache += hits;
      if (r.provider === "none") served.noModel += r.requests - hits;
      else if (r.provider === "workers-ai") {
        served.workersAiFree += r.requests * f;
        served.workersAiPaid += r.requests * (1 - f);
      } else served.openai += r.requests;
      if (r.route === "ask") {
        questions += r.requests;
        askBilled += billed;
      }
      if (r.route === "search" || r.route === "ask") {
        // A question answered from the semantic cache was embedded but queried nothing, and is not stored again.
        if (priceOf(r.model)?.kind === "embedding") platform.vectorQueries += r.calls;
        platform.vectorQueries -= r.semanticHits;
        platform.cacheable += r.requests;
        platform.cacheStores += r.requests - r.cacheHits - r.semanticHits;
      }
    }

    if (AI_ROUTES.has(r.route) || r.route === "ingest") {
      const entry = baseline.get(r.route) ?? { usd: 0, requests: 0, hits: 0 };
      const kind = baselineKind(r);
      if (kind) entry.usd += baselineUsd(kind, { inputTokens: r.inputTokens, outputTokens: kind === "chat" ? r.outputTokens : 0 });
      const hits = r.cacheHits + r.semanticHits;
      entry.requests += r.requests - hits;
      entry.hits += hits;
      baseline.set(r.route, entry);
    }
  }

  const ai = served.cache + served.noModel + served.workersAiFree + served.workersAiPaid + served.openai;
  const total = ai + served.other + served.backend;
  const billed = billedWorkersAi + openai;
  const aiFree = served.cache + served.noModel + served.workersAiFree;
  let baselineTotal = 0;
  for (const b of baseline.values()) baselineTotal += b.usd + b.hits * ratio(b.usd, b.requests);

  return {
    requests: { total, ai, questions, servedBy: served },
    freeShare: ratio(aiFree + served.other, total),
    aiFreeShare: ratio(aiFree, ai),
    cacheHitRate: ratio(served.cache, ai),
    neurons: { total: neurons, free: freeNeurons, billable: neurons - freeNeurons },
    usd: { listPrice, billed, workersAi: billedWorkersAi, openai },
    usdPer1kRequests: ratio(billed, total) * 1000,
    usdPer1kQuestions: questions > 0 ? (askBilled / questions) * 1000 : null,
    usdPerIngestedPage: ingest.pages > 0 ? ingest.usd / ingest.pages : null,
    ingest,
    platform: { ...platform, vectorQueries: Math.max(0, platform.vectorQueries) },
    baseline: { usd: baselineTotal, savingsUsd: baselineTotal - billed, savingsShare: baselineTotal > 0 ? (baselineTotal - billed) / baselineTotal : null },
  };
}

/** What OpenAI model a row's tokens are priced at in the baseline; a rerank has no OpenAI counterpart. */
function baselineKind(row: RollupRow): "chat" | "embedding" | null {
  const price = priceOf(row.model);
  if (price?.kind === "rerank") return null;
  if (price) return price.kind;
  return row.route === "chat" || row.route === "ask" ? "chat" : "embedding";
}

const priceOf = (model: string) => (Object.hasOwn(MODEL_PRICES, model) ? MODEL_PRICES[model] : undefined);
