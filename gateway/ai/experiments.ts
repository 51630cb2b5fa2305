// A/B experiments on `model: "auto"` chat requests, from the AI_EXPERIMENTS
// setting (JSON). Each experiment applies to the routing classes it names
// (`simple`, `complex`); its variants replace the routed model (or keep it,
// with model "routed") in proportion to their weights. A caller always gets
// the same variant of an experiment: assignment hashes experiment name,
// tenant and user (the request's `user`, else the token's subject).
import { z } from "zod";
import type { Complexity } from "./routing-rule";
import { findChatModel } from "./models";

const Variant = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  /** A chat model id or alias, or "routed" for the model the routing rule chose (a control group). */
  model: z.string().refine((m) => m === "routed" || findChatModel(m) !== undefined, "is neither \"routed\" nor a chat model in gateway/ai/models.ts"),
  weight: z.number().min(0),
});

const Experiment = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
    routes: z.array(z.enum(["simple", "complex"])).min(1).default(["simple", "complex"]),
    variants: z.array(Variant).min(2),
    enabled: z.boolean().default(true),
  })
  .refine((e) => e.variants.some((v) => v.weight > 0), "needs a variant with a positive weight")
  .refine((e) => new Set(e.variants.map((v) => v.name)).size === e.variants.length, "has two variants with the same name");

export const ExperimentsSchema = z
  .array(Experiment)
  .refine((list) => new Set(list.map((e) => e.name)).size === list.length, "has two experiments with the same name");

export type Experiment = z.output<typeof Experiment>;

export interface Assignment {
  experiment: string;
  variant: string;
  /** The model to use, or undefined to keep the routed one. */
  model: string | undefined;
}

/** How usage records, logs and the X-Experiment-Variant header name a variant: "experiment/variant", "" for none. */
export const variantKey = (assignment: Pick<Assignment, "experiment" | "variant"> | undefined): string =>
  assignment ? `${assignment.experiment}/${assignment.variant}` : "";

/** The names in a variant key; undefined for "" or a key without both (names never hold "/"). */
export function splitVariantKey(key: string): { experiment: string; variant: string } | undefined {
  const [experiment, variant, ...rest] = key.split("/");
  return experiment && variant && rest.length === 0 ? { experiment, variant } : undefined;
}

/** Who is assigned: the same tenant and user always land in the same variant. */
export const userKey = (tenantId: string, user: string) => `${tenantId}\u0000${user}`;

/** The first enabled experiment covering this routing class, and the caller's variant in it. */
export async function assign(experiments: readonly Experiment[], complexity: Complexity, userKey: string): Promise<Assignment | undefined> {
  const experiment = experiments.find((e) => e.enabled && e.routes.includes(complexity));
  if (!experiment) return undefined;
  const point = await unitHash(`${experiment.name}\u0000${userKey}`);
  const total = experiment.variants.reduce((sum, v) => sum + v.weight, 0);
  let edge = 0;
  const positive = experiment.variants.filter((v) => v.weight > 0);
  let chosen = positive[positive.length - 1];
  for (const variant of positive) {
    edge += variant.weight / total;
    if (point < edge) {
      chosen = variant;
      break;
    }
  }
  if (!chosen) return undefined;
  return { experiment: experiment.name, variant: chosen.name, model: chosen.model === "routed" ? undefined : chosen.model };
}

/** A stable, uniform point in [0, 1) for a key: the first 32 bits of its SHA-256. */
export async function unitHash(key: string): Promise<number> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  return new DataView(digest.buffer).getUint32(0) / 2 ** 32;
}
