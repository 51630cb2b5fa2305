// How hybrid search fuses its two rankings: HYBRID_FUSION, HYBRID_VECTOR_WEIGHT
// and HYBRID_RRF_K, parsed once into a typed value (errors name the setting).
// Why the defaults are what they are: README, "How hybrid search fuses".
import { z } from "zod";
import { err, ok, type Result } from "../../shared/result";

export interface FusionSettings {
  method: "convex" | "rrf";
  /** The vector ranking's share, 0..1; the keyword ranking gets the rest. */
  vectorWeight: number;
  /** RRF's rank offset (only with method "rrf"). */
  rrfK: number;
}

export const DEFAULT_FUSION: FusionSettings = { method: "convex", vectorWeight: 0.5, rrfK: 60 };

const Settings = z.object({
  HYBRID_FUSION: z.enum(["convex", "rrf"]).default(DEFAULT_FUSION.method),
  HYBRID_VECTOR_WEIGHT: z.coerce.number().min(0).max(1).default(DEFAULT_FUSION.vectorWeight),
  HYBRID_RRF_K: z.coerce.number().int().min(1).max(1000).default(DEFAULT_FUSION.rrfK),
});

/** Empty strings mean "not set", as wrangler vars left blank do. */
export function parseFusionSettings(vars: Partial<Record<keyof z.input<typeof Settings>, string>>): Result<FusionSettings, string> {
  const present = Object.fromEntries(Object.entries(vars).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = Settings.safeParse(present);
  if (!parsed.success) {
    return err(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  }
  const { HYBRID_FUSION, HYBRID_VECTOR_WEIGHT, HYBRID_RRF_K } = parsed.data;
  return ok({ method: HYBRID_FUSION, vectorWeight: HYBRID_VECTOR_WEIGHT, rrfK: HYBRID_RRF_K });
}
