// GET /v1/usage?from&to&groupBy=day|model|route: the caller's tenant's AI
// usage and cost, from the stored rollups plus what its meter has not yet
// flushed, and where its budgets stand.
import { Hono } from "hono";
import { z } from "zod";
import { addSums, emptySums, type RollupRow, type RollupSums } from "../../../shared/usage/rollup";
import { readRollups } from "../../../shared/usage/rollup-store";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";
import { validate } from "../../validation";
import type { Units } from "../budget-ledger";
import { type PlanLimits, planLimits, usageConfig } from "../config";
import { hourRange, RangeQuery } from "./range";

const UsageQuery = RangeQuery.extend({ groupBy: z.enum(["day", "model", "route"]).default("day") });

export interface UsageGroup extends RollupSums {
  key: string;
}

export interface UsageResponse {
  tenantId: string;
  from: string;
  to: string;
  groupBy: "day" | "model" | "route";
  groups: UsageGroup[];
  totals: RollupSums;
  /** False when the meter could not be reached: the last minute may be missing. */
  includesUnflushed: boolean;
  budget: { plan: string; limits: Omit<PlanLimits, "semanticCache">; used: { today: BudgetUse; thisMonth: BudgetUse; thisMinute: BudgetUse } | null };
}

interface BudgetUse {
  usd: number;
  neurons: number;
  tokens: number;
}

const use = (u: Units): BudgetUse => ({ usd: u.nanoUsd / 1e9, neurons: u.milliNeurons / 1e3, tokens: u.tokens });

export function groupRows(rows: readonly RollupRow[], groupBy: UsageResponse["groupBy"]): { groups: UsageGroup[]; totals: RollupSums } {
  const groups = new Map<string, UsageGroup>();
  const totals = emptySums();
  for (const row of rows) {
    const key = groupBy === "day" ? row.hour.slice(0, 10) : groupBy === "route" ? row.route : row.model || "(no model)";
    const group = groups.get(key) ?? { key, ...emptySums() };
    addSums(group, row);
    addSums(totals, row);
    groups.set(key, group);
  }
  return { groups: [...groups.values()].sort((a, b) => a.key.localeCompare(b.key)), totals };
}

export const usageRoute = new Hono<AppEnv>().get("/", validate("query", UsageQuery), async (c) => {
  const query = c.req.valid("query");
  const range = hourRange(query);
  if ("error" in range) throw new ApiError("invalid_request", range.error);
  const { tenantId, plan } = c.get("caller");
  const stored = await readRollups(c.env.DB, { ...range, tenantId });
  let pending: RollupRow[] = [];
  let used: UsageResponse["budget"]["used"] = null;
  let includesUnflushed = true;
  try {
    const meter = c.env.TENANT_GATE.get(c.env.TENANT_GATE.idFromName(tenantId));
    const [unflushed, budget] = await Promise.all([meter.pending(), meter.budgetUsage()]);
    pending = unflushed.filter((r) => r.hour >= range.fromHour && r.hour <= range.toHour);
    used = { today: use(budget.day), thisMonth: use(budget.month), thisMinute: use(budget.minute) };
  } catch (error) {
    includesUnflushed = false;
    console.error("usage meter unreachable for report", { tenantId, error: String(error) });
  }
  const { groups, totals } = groupRows([...stored, ...pending], query.groupBy);
  const { semanticCache: _, ...limits } = planLimits(usageConfig(c.env), plan);
  const body: UsageResponse = {
    tenantId,
    from: `${range.fromHour}:00:00Z`,
    to: `${range.toHour}:59:59Z`,
    groupBy: query.groupBy,
    groups,
    totals,
    includesUnflushed,
    budget: { plan: plan !== undefined && Object.hasOwn(usageConfig(c.env).plans, plan) ? plan : "default", limits, used },
  };
  return c.json(body);
});
