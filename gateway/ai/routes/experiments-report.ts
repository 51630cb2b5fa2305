// GET /v1/admin/experiments: per experiment and variant, requests, errors,
// tokens, dollars (total and per 1,000 requests), p50/p95 latency of
// successful requests (as histogram buckets) and feedback, over the last
// `days` days (default 7), from the usage rollups and feedback rows only.
// Operators only; across tenants, or one with ?tenant= (then with the
// tenant's sums its gate has not flushed yet).
import { Hono } from "hono";
import { z } from "zod";
import type { RollupRow } from "../../../shared/usage/rollup";
import { hourOf } from "../../../shared/usage/rollup";
import type { AppEnv } from "../../context";
import { RETRY_AFTER_SECONDS } from "../../dependency-failure";
import { ApiError } from "../../errors";
import { requireRole } from "../../edge/auth/require-auth";
import { validate } from "../../validation";
import { aiConfig } from "../config";
import { type ExperimentReport, experimentReport, LATENCY_BUCKET_LABELS } from "../experiment-report";

const Query = z.object({ days: z.coerce.number().min(0.001).max(90).default(7), tenant: z.string().min(1).max(64).optional() });

export interface ExperimentsReportResponse {
  /** The start of the UTC hour `days` ago: the rollups are hourly. */
  since: string;
  /** False across tenants (stored rollups only), or when the tenant's gate could not be reached. */
  includesUnflushed: boolean;
  /** What each count of a variant's `latencyMs.histogram` is, in order: ms, the bound inclusive. */
  latencyBucketsMs: string[];
  experiments: (ExperimentReport & { configured: boolean })[];
}

export const experimentsReport = new Hono<AppEnv>().get("/", requireRole("admin"), validate("query", Query), async (c) => {
  const { days, tenant } = c.req.valid("query");
  const fromHour = hourOf(Date.now() - days * 86_400_000);
  const since = Date.parse(`${fromHour}:00:00Z`);
  const configured = new Set(aiConfig(c.env).experiments.map((e) => e.name));
  let unflushed: RollupRow[] = [];
  let includesUnflushed = false;
  if (tenant !== undefined) {
    try {
      unflushed = await c.env.TENANT_GATE.get(c.env.TENANT_GATE.idFromName(tenant)).pending();
      includesUnflushed = true;
    } catch (error) {
      console.error("usage meter unreachable for experiment report", { tenantId: tenant, error: String(error) });
    }
  }
  let reports: ExperimentReport[];
  try {
    reports = await experimentReport(c.env.DB, { fromHour, since, tenantId: tenant }, unflushed);
  } catch (error) {
    console.error("experiment report not read", { error: String(error) });
    throw new ApiError("service_unavailable", "The usage store cannot be read right now; try again shortly.", { "Retry-After": RETRY_AFTER_SECONDS });
  }
  return c.json<ExperimentsReportResponse>({
    since: new Date(since).toISOString(),
    includesUnflushed,
    latencyBucketsMs: LATENCY_BUCKET_LABELS,
    experiments: reports.map(({ experiment, variants }) => ({ experiment, configured: configured.has(experiment), variants })),
  });
});
