// The original spec's monthly cost table, recomputed from recorded usage and
// projected to a monthly request volume with the same mix. The spec claimed:
//   before: backend $30 + OpenAI $155 + PostgreSQL $10 + Redis $5 = $200
//   after:  Workers $5 (10M requests) + Workers AI $0 + Vectorize $0 + backend $20
//           + PostgreSQL $10 + Redis $5 = $40, with 70%+ of requests on the free tier.
// What we measure is the AI lines and the request mix; the backend, database and
// cache lines are the spec's own figures, carried over unmeasured.
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

export interface CostLines {
  workers: number;
  workersAi: number;
  openai: number;
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
  /** The same requests with every AI call at OpenAI, behind the spec's "before" stack. */
  allOpenAi: CostLines;
}

export function project(report: DerivedReport, monthlyRequests: number): Projection {
  const requests = report.requests.total;
  const per = (x: number) => (requests > 0 ? x / requests : 0);
  const neuronsPerRequest = per(report.neurons.total);
  const neuronsPerDay = (neuronsPerRequest * monthlyRequests) / DAYS_PER_MONTH;
  const workersAi = Math.max(0, neuronsPerDay - FREE_NEURONS_PER_DAY) * DAYS_PER_MONTH * USD_PER_NEURON;
  const workers = WORKERS_BASE_USD + (Math.max(0, monthlyRequests - WORKERS_INCLUDED_REQUESTS) / 1e6) * WORKERS_USD_PER_MILLION;
  const openai = per(report.usd.openai) * monthlyRequests;
  const edge = lines({ workers, workersAi, openai, backend: SPEC.after.backend, postgres: SPEC.after.postgres, redis: SPEC.after.redis });
  const baseline = per(report.baseline.usd) * monthlyRequests;
  const allOpenAi = lines({ workers: 0, workersAi: 0, openai: baseline, backend: SPEC.before.backend, postgres: SPEC.before.postgres, redis: SPEC.before.redis });
  // Workers AI requests are free in the share of each day's Neurons the allocation covers.
  const freeNeuronShare = neuronsPerDay <= FREE_NEURONS_PER_DAY ? 1 : FREE_NEURONS_PER_DAY / neuronsPerDay;
  const s = report.requests.servedBy;
  const workersAiRequests = s.workersAiFree + s.workersAiPaid;
  const freeShare = per(s.cache + s.noModel + s.other + workersAiRequests * freeNeuronShare);
  return { monthlyRequests, neuronsPerRequest, openaiUsdPerRequest: per(report.usd.openai), baselineUsdPerRequest: per(report.baseline.usd), neuronsPerDay, freeShare, edge, allOpenAi };
}

function lines(l: Omit<CostLines, "total">): CostLines {
  return { ...l, total: l.workers + l.workersAi + l.openai + l.backend + l.postgres + l.redis };
}
