// GET /v1/admin/usage?from&to&tenant=: operators' view across tenants, with
// the derived figures (shared/usage/derive.ts). Reads stored rollups only:
// each tenant's last unflushed minute is not included.
import { Hono } from "hono";
import { z } from "zod";
import { readyChunkCount } from "../../../shared/documents";
import { EMBEDDING_MODELS, isEmbeddingModel } from "../../../shared/embeddings";
import { type DerivedReport, deriveReport, neuronsByDay } from "../../../shared/usage/derive";
import { FREE_NEURONS_PER_DAY, PRICES_CHECKED_ON, OPENAI_BASELINE, USD_PER_NEURON } from "../../../shared/usage/prices";
import { readRollups } from "../../../shared/usage/rollup-store";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";
import { requireRole } from "../../edge/auth/require-auth";
import { validate } from "../../validation";
import { groupRows, type UsageGroup } from "./usage";
import { hourRange, RangeQuery } from "./range";

const AdminUsageQuery = RangeQuery.extend({ tenant: z.string().min(1).max(64).optional() });

export interface AdminUsageResponse {
  from: string;
  to: string;
  tenant: string | null;
  report: DerivedReport;
  byTenant: UsageGroup[];
  byDay: UsageGroup[];
  byModel: UsageGroup[];
  /** What the platform cost projection needs beside the mix: the index's size now (all tenants) and its vectors' dimensions. */
  deployment: { storedVectors: number; dimensions: number };
  /** Rows per hour are summed in D1 up to the last flush of each tenant's meter. */
  pricing: { checkedOn: string; usdPerNeuron: number; freeNeuronsPerDay: number; baseline: typeof OPENAI_BASELINE };
}

export const adminUsageRoute = new Hono<AppEnv>().use(requireRole("admin")).get("/", validate("query", AdminUsageQuery), async (c) => {
  const query = c.req.valid("query");
  const range = hourRange(query);
  if ("error" in range) throw new ApiError("invalid_request", range.error);
  const [all, storedVectors] = await Promise.all([readRollups(c.env.DB, range), readyChunkCount(c.env.DB)]);
  const model = c.env.EMBEDDING_MODEL || "@cf/baai/bge-base-en-v1.5";
  // The free allocation is the account's: what was free depends on every tenant's Neurons that day.
  const account = neuronsByDay(all);
  const rows = query.tenant === undefined ? all : all.filter((r) => r.tenantId === query.tenant);
  const byTenant = new Map<string, typeof rows>();
  for (const r of rows) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r]);
  const body: AdminUsageResponse = {
    from: `${range.fromHour}:00:00Z`,
    to: `${range.toHour}:59:59Z`,
    tenant: query.tenant ?? null,
    report: deriveReport(rows, account),
    byTenant: [...byTenant.entries()].map(([tenantId, tenantRows]) => ({ ...groupRows(tenantRows, "day").totals, key: tenantId })).sort((a, b) => b.usd - a.usd),
    byDay: groupRows(rows, "day").groups,
    byModel: groupRows(rows, "model").groups,
    deployment: { storedVectors, dimensions: isEmbeddingModel(model) ? EMBEDDING_MODELS[model] : EMBEDDING_MODELS["@cf/baai/bge-base-en-v1.5"] },
    pricing: { checkedOn: PRICES_CHECKED_ON, usdPerNeuron: USD_PER_NEURON, freeNeuronsPerDay: FREE_NEURONS_PER_DAY, baseline: OPENAI_BASELINE },
  };
  return c.json(body);
});
