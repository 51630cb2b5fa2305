// How hybrid search fuses its two rankings: HYBRID_FUSION, HYBRID_VECTOR_WEIGHT,
// HYBRID_NORMALISATION and HYBRID_RRF_K, parsed once into a typed value (errors
// name the setting). Why the defaults are what they are: README, "How hybrid
// search fuses".
import { z } from "zod";
import { err, ok, type Result } from "../../shared/result";
import type { Normalisation } from "./normalisation";

export interface FusionSettings {
  method: "convex" | "rrf";
  /** The vector ranking's share, 0..1; the keyword ranking gets the rest. */
  vectorWeight: number;
  /** How the convex combination puts each list's scores on 0..1 (only with method "convex"). */
  normalisation: Normalisation;
  /** RRF's rank offset (only with method "rrf"). */
  rrfK: number;
}

// 0.56 = 53.25 / (53.25 + 41.7): each retriever's share in proportion to its
// published average nDCG@10 over MTEB's 15 BEIR retrieval sets (bge-base-en-v1.5
// model card; BM25 from the BEIR paper, Thakur et al. 2021, Table 2).
export const DEFAULT_FUSION: FusionSettings = { method: "convex", vectorWeight: 0.56, normalisation: "minmax", rrfK: 60 };

const Settings = z.object({
  HYBRID_FUSION: z.enum(["convex", "rrf"]).default(DEFAULT_FUSION.method),
  HYBRID_VECTOR_WEIGHT: z.coerce.number().min(0).max(1).default(DEFAULT_FUSION.vectorWeight),
  HYBRID_NORMALISATION: z.enum(["minmax", "tmm"]).default(DEFAULT_FUSION.normalisation),
  HYBRID_RRF_K: z.coerce.number().int().min(1).max(1000).default(DEFAULT_FUSION.rrfK),
});

/** Empty strings mean "not set", as wrangler vars left blank do. */
export function parseFusionSettings(vars: Partial<Record<keyof z.input<typeof Settings>, string>>): Result<FusionSettings, string> {
  const present = Object.fromEntries(Object.entries(vars).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = Settings.safeParse(present);
  if (!parsed.success) {
    return err(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  }
  const { HYBRID_FUSION, HYBRID_VECTOR_WEIGHT, HYBRID_NORMALISATION, HYBRID_RRF_K } = parsed.data;
  return ok({ method: HYBRID_FUSION, vectorWeight: HYBRID_VECTOR_WEIGHT, normalisation: HYBRID_NORMALISATION, rrfK: HYBRID_RRF_K });
}
