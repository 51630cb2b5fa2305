// ?from & ?to for the usage reports: a date (YYYY-MM-DD, whole UTC days) or
// an ISO timestamp (its UTC hour). Defaults: the last 30 days up to now.
import { z } from "zod";
import { hourOf } from "../../../shared/usage/rollup";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_RANGE_DAYS = 400;

const instant = z
  .string()
  .refine((s) => (DAY.test(s) || s.includes("T")) && !Number.isNaN(Date.parse(s)), "must be a date (YYYY-MM-DD) or an ISO timestamp");

export const RangeQuery = z.object({ from: instant.optional(), to: instant.optional() });

export interface HourRange {
  fromHour: string;
  toHour: string;
}

export function hourRange(query: z.infer<typeof RangeQuery>, now = Date.now()): HourRange | { error: string } {
  const to = query.to === undefined ? hourOf(now) : DAY.test(query.to) ? `${query.to}T23` : hourOf(Date.parse(query.to));
  const from = query.from === undefined ? hourOf(Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - 29 * 86400_000) : DAY.test(query.from) ? `${query.from}T00` : hourOf(Date.parse(query.from));
  if (from > to) return { error: "query `from` must not be after `to`" };
  if (Date.parse(`${to}:00:00Z`) - Date.parse(`${from}:00:00Z`) > MAX_RANGE_DAYS * 86400_000) return { error: `the range may span at most ${MAX_RANGE_DAYS} days` };
  return { fromHour: from, toHour: to };
}
