// GET /v1/admin/experiments: per experiment and variant, requests, errors,
// p50/p95 latency of successful requests, tokens and feedback, over the last
// `days` days (default 7). Operators only; across tenants, or one with ?tenant=.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context";
import { requireRole } from "../../edge/auth/require-auth";
import { validate } from "../../validation";
import { aiConfig } from "../config";
import { type ExperimentReport, experimentReport } from "../request-log";

const Query = z.object({ days: z.coerce.number().min(0.001).max(90).default(7), tenant: z.string().min(1).max(64).optional() });

export interface ExperimentsReportResponse {
  since: string;
  experiments: (ExperimentReport & { configured: boolean })[];
}

export const experimentsReport = new Hono<AppEnv>().get("/", requireRole("admin"), validate("query", Query), async (c) => {
  const { days, tenant } = c.req.valid("query");
  const since = Date.now() - days * 86_400_000;
  const configured = new Set(aiConfig(c.env).experiments.map((e) => e.name));
  const reports = await experimentReport(c.env.DB, { since, tenantId: tenant });
  return c.json<ExperimentsReportResponse>({
    since: new Date(since).toISOString(),
    experiments: reports.map((report) => ({ ...report, configured: configured.has(report.experiment) })),
  });
});
