// The original spec's monthly cost table, recomputed from recorded usage and
// projected to a monthly request volume with the same mix. The spec claimed:
//   before: backend $30 + OpenAI $155 + PostgreSQL $10 + Redis $5 = $200
//   after:  Workers $5 (10M requests) + Workers AI $0 + Vectorize $0 + backend $20
//           + PostgreSQL $10 + Redis $5 = $40, with 70%+ of requests on the free tier.
// What we measure is the AI lines, the request mix and, from the mix, the
// platform lines the spec left out or put at $0 (Vectorize queries, the Durable
// Object every request passes, the KV cache); the backend, database and cache
// lines are the spec's own figures, carried over unmeasured.
import type { DerivedReport } from "./derive";
import { FREE_NEURONS_PER_DAY, USD_PER_NEURON } from "./prices";

export const SPEC = {
  before: { backend: 30, openai: 155, postgres: 10, redis: 5, total: 200 },
  after: { workers: 5, workersAi: 0, vectorize: 0, backend: 20, postgres: 10, redis: 5, total: 40 },
  freeShareClaim: 0.7,
} as const;

/** Workers Paid: $5 a month including 10M requests, then $0.30 per million (developers.cloudflare.com/workers/platform/pricing/). */
export const WORKERS_BASE_USD = 5;
export const WORKERS_INCLUDED_REQUESTS = 10_000_000;
export const WORKERS_USD_PER_MILLION = 0.3;
const DAYS_PER_MONTH = 30;

/**
 * Workers Paid list prices of the platform lines, checked 2026-11-29:
 * developers.cloudflare.com/vectorize/platform/pricing/ (queried dimensions =
 * (queries + stored vectors) x dimensions), /durable-objects/platform/pricing/
 * (requests; duration is not projected), /kv/platform/pricing/.
 */
export const PLATFORM_PRICES = {
  vectorize: { includedQueriedDimensions: 50e6, usdPerMillionQueriedDimensions: 0.01, includedStoredDimensions: 10e6, usdPer100MillionStoredDimensions: 0.05 },
  durableObjects: { includedRequests: 1e6, usdPerMillionRequests: 0.15 },
  kv: { includedReads: 10e6, usdPerMillionReads: 0.5, includedWrites: 1e6, usdPerMillionWrites: 5 },
} as const;

/**
 * Durable Object requests per gateway request: the tenant gate's one `admit`
 * (usage settlements ride along with later admissions or are batched: README,
 * "What metering costs").
 */
export const DURABLE_OBJECT_REQUESTS_PER_REQUEST = 1;

/** What the deployment holds, which the request mix does not say. */
export interface Deployment {
  /** Vectors in the index now (every tenant's ready chunks). */
  storedVectors: number;
  dimensions: number;
  /** Durable Object requests per gateway request: the tenant gate's admission, plus metering's share. */
  durableObjectRequestsPerRequest: number;
}

export interface CostLines {
  workers: number;
  workersAi: number;
  openai: number;
  vectorize: number;
  durableObjects: number;
  kv: number;
  backend: number;
  postgres: number;
  redis: number;
  total: number;
}

export interface Projection {
  monthlyRequests: number;
  /** Per request of the recorded mix. */
  neuronsPerRequest: number;
  openaiUsdPerRequest: number;
  baselineUsdPerRequest: number;
  /** Neurons a day at this volume, and the share the free allocation covers. */
  neuronsPerDay: number;
  freeShare: number;
  edge: CostLines;
  /** The monthly volumes behind the platform lines. */
  platform: PlatformVolumes;
  /** The same requests with every AI call at OpenAI, behind the spec's "before" stack. */
  allOpenAi: CostLines;
}

export interface PlatformVolumes {
  vectorQueries: number;
  durableObjectRequests: number;
  kvReads: number;
  kvWrites: number;
}

export function project(report: DerivedReport, monthlyRequests: number, deployment: Deployment): Projection {
  const requests = report.requests.total;
  const per = (x: number) => (requests > 0 ? x / requests : 0);
  const neuronsPerRequest = per(report.neurons.total);
  const neuronsPerDay = (neuronsPerRequest * monthlyRequests) / DAYS_PER_MONTH;
  const workersAi = Math.max(0, neuronsPerDay - FREE_NEURONS_PER_DAY) * DAYS_PER_MONTH * USD_PER_NEURON;
  const workers = WORKERS_BASE_USD + (Math.max(0, monthlyRequests - WORKERS_INCLUDED_REQUESTS) / 1e6) * WORKERS_USD_PER_MILLION;
  const openai = per(report.usd.openai) * monthlyRequests;
  const platform = platformLines(report, monthlyRequests, deployment, per);
  const edge = lines({ workers, workersAi, openai, ...platform.usd, backend: SPEC.after.backend, postgres: SPEC.after.postgres, redis: SPEC.after.redis });
  const baseline = per(report.baseline.usd) * monthlyRequests;
  const allOpenAi = lines({ workers: 0, workersAi: 0, openai: baseline, vectorize: 0, durableObjects: 0, kv: 0, backend: SPEC.before.backend, postgres: SPEC.before.postgres, redis: SPEC.before.redis });
  // Workers AI requests are free in the share of each day's Neurons the allocation covers.
  const freeNeuronShare = neuronsPerDay <= FREE_NEURONS_PER_DAY ? 1 : FREE_NEURONS_PER_DAY / neuronsPerDay;
  const s = report.requests.servedBy;
  const workersAiRequests = s.workersAiFree + s.workersAiPaid;
  const freeShare = per(s.cache + s.noModel + s.other + workersAiRequests * freeNeuronShare);
  return { monthlyRequests, neuronsPerRequest, openaiUsdPerRequest: per(report.usd.openai), baselineUsdPerRequest: per(report.baseline.usd), neuronsPerDay, freeShare, edge, platform: platform.volumes, allOpenAi };
}

function platformLines(
  report: DerivedReport,
  monthlyRequests: number,
  deployment: Deployment,
  per: (x: number) => number,
): { usd: Pick<CostLines, "vectorize" | "durableObjects" | "kv">; volumes: PlatformVolumes } {
  const { vectorize: v, durableObjects: d, kv: k } = PLATFORM_PRICES;
  const beyond = (used: number, included: number) => Math.max(0, used - included);
  const queries = per(report.platform.vectorQueries) * monthlyRequests;
  const queried = (queries + deployment.storedVectors) * deployment.dimensions;
  const stored = deployment.storedVectors * deployment.dimensions;
  const vectorize = (beyond(queried, v.includedQueriedDimensions) / 1e6) * v.usdPerMillionQueriedDimensions + (beyond(stored, v.includedStoredDimensions) / 1e8) * v.usdPer100MillionStoredDimensions;
  const doRequests = monthlyRequests * deployment.durableObjectRequestsPerRequest;
  const durableObjects = (beyond(doRequests, d.includedRequests) / 1e6) * d.usdPerMillionRequests;
  // A searched or asked request reads KV when the data centre's Cache API has no copy (counted as always: an upper bound) and writes when answered fresh.
  const reads = per(report.platform.cacheable) * monthlyRequests;
  const writes = per(report.platform.cacheStores) * monthlyRequests;
  const kv = (beyond(reads, k.includedReads) / 1e6) * k.usdPerMillionReads + (beyond(writes, k.includedWrites) / 1e6) * k.usdPerMillionWrites;
  return { usd: { vectorize, durableObjects, kv }, volumes: { vectorQueries: queries, durableObjectRequests: doRequests, kvReads: reads, kvWrites: writes } };
}

function lines(l: Omit<CostLines, "total">): CostLines {
  return { ...l, total: l.workers + l.workersAi + l.openai + l.vectorize + l.durableObjects + l.kv + l.backend + l.postgres + l.redis };
}
