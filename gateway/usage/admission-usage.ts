// What a tenant's admission call carries for metering: the settlements of
// its finished requests waiting in this isolate (settle-queue.ts), and for a
// request without AI calls a count in place of a settlement later. Metering
// must never fail the request: a configuration that does not parse sends
// nothing here (the AI routes refuse it on their own).
import type { Context } from "hono";
import type { AppEnv } from "../context";
import type { AdmitRequest } from "../edge/limits/tenant-gate";
import { waitUntil } from "../edge/wait-until";
import { rolloutRouteOf } from "../proxy/rollout-middleware";
import { meterOptions, settleQueueOf } from "./meter-requests";
import type { Handoff } from "./settle-queue";

export interface AdmissionUsage {
  fields: Pick<AdmitRequest, "settlements" | "count" | "meter">;
  /** The gate answered: a counted request needs no settlement. */
  admitted(): void;
  /** The gate could not be reached: the settlements wait again for the next call or the fallback. */
  unreachable(): void;
}

export function admissionUsage(c: Context<AppEnv>): AdmissionUsage {
  const meter = c.get("usage");
  let handoff: Handoff | undefined;
  let fields: AdmissionUsage["fields"] = {};
  try {
    // A rollout route may yet be handed to the backend: it settles once it is known who served it.
    const route = meter.route;
    const count = route === "proxy" || (route === "other" && rolloutRouteOf(c) === undefined) ? route : undefined;
    const options = meterOptions(c.env);
    const queue = settleQueueOf(c.env);
    // Last, once nothing can throw: what is taken must be delivered or given back.
    handoff = queue.take(meter.tenantId);
    fields = { settlements: handoff?.settlements, count, meter: options };
  } catch (error) {
    console.error("usage not carried", { error: String(error) });
  }
  return {
    fields,
    admitted: () => {
      if (fields.count) meter.countedAtAdmit = true;
    },
    unreachable: () => {
      if (handoff) waitUntil(c, handoff.failed());
    },
  };
}
