// `node scripts/run-ts.mjs scripts/fusion-study.ts DIR TENANT [URL]`
// Compares fusion functions on a collection an earlier `npm run eval` put into
// TENANT on the local stack: for every judged query it asks /v1/search for the
// keyword and the vector top 100, fuses them here with each candidate (the
// gateway's own fusion code; z-scores and the two fallbacks, which the gateway
// does not offer, are defined below), and prints nDCG@10 (4 places: the
// differences are small), Recall@100 and MRR@10 per candidate beside keyword
// and vector alone. Used to choose the hybrid default
// (README, "How hybrid search fuses"); the chosen one is then measured through
// the API by `npm run eval`.
import { loadBeirDirectory } from "../eval/beir";
import { mintDevToken } from "../eval/dev-token";
import { gatewayClient } from "../eval/gateway-client";
import { uploadFilename } from "../eval/ingest";
import { dedupeToDocuments, mrrAt, ndcgAt, recallAt } from "../eval/metrics";
import { combine, fuse, reciprocalRankFusion } from "../gateway/retrieval/fusion";
import { DEFAULT_FUSION, type FusionSettings } from "../gateway/retrieval/fusion-settings";
import { theoreticalMinMaxNormalised } from "../gateway/retrieval/normalisation";
import type { Ranked } from "../gateway/retrieval/types";
import type { ScriptHost } from "./host";

type Fusion = (vector: Ranked[], keyword: Ranked[]) => Ranked[];

// With no chunk in common between the two top 10s the retrievers disagree completely.
function disagree(vector: Ranked[], keyword: Ranked[]): boolean {
  const top = new Set(vector.slice(0, 10).map((r) => r.id));
  return vector.length > 0 && keyword.length > 0 && !keyword.slice(0, 10).some((r) => top.has(r.id));
}

// A list whose best and worst scores differ by under 5% of the best barely orders anything.
function flat(list: Ranked[]): boolean {
  const scores = list.map((r) => r.score);
  return scores.length > 0 && Math.max(...scores) - Math.min(...scores) < 0.05 * Math.abs(Math.max(...scores));
}

// Standard scores (Bruch et al. section 4); a chunk the list did not return gets the list's lowest. Measured only.
function zScores(list: Ranked[]): Ranked[] {
  const mean = list.reduce((sum, r) => sum + r.score, 0) / Math.max(1, list.length);
  const sd = Math.sqrt(list.reduce((sum, r) => sum + (r.score - mean) ** 2, 0) / Math.max(1, list.length));
  const lowest = Math.min(...list.map((r) => r.score));
  return list.map((r) => ({ id: r.id, score: sd > 0 ? (r.score - lowest) / sd : 0 }));
}

const W = DEFAULT_FUSION.vectorWeight;
const convex = (vectorWeight: number, normalisation: FusionSettings["normalisation"]): Fusion => (v, k) =>
  fuse(v, k, { ...DEFAULT_FUSION, vectorWeight, normalisation });
const byDefault = convex(W, DEFAULT_FUSION.normalisation);

const CANDIDATES: [string, Fusion][] = [
  ["keyword alone", (_v, k) => k],
  ["vector alone", (v) => v],
  ["RRF k=60, equal weights", (v, k) => reciprocalRankFusion([v, k], 60)],
  [`RRF k=60, vector ${W}`, (v, k) => reciprocalRankFusion([v, k], 60, [W, 1 - W])],
  ["convex min-max, vector 0.5", convex(0.5, "minmax")],
  [`convex min-max, vector ${W} (default)`, byDefault],
  ["convex TMM (-1, 0), vector 0.5", convex(0.5, "tmm")],
  [`convex TMM (-1, 0), vector ${W}`, convex(W, "tmm")],
  [`convex TMM (0, 0), vector ${W}`, (v, k) => combine([theoreticalMinMaxNormalised(v, 0), theoreticalMinMaxNormalised(k, 0)], [W, 1 - W])],
  ["convex z-score, vector 0.5", (v, k) => combine([zScores(v), zScores(k)], [0.5, 0.5])],
  [`convex z-score, vector ${W}`, (v, k) => combine([zScores(v), zScores(k)], [W, 1 - W])],
  ["default, vector alone on disagreement", (v, k) => (disagree(v, k) ? v : byDefault(v, k))],
  ["default, other list alone if one is flat", (v, k) => (flat(k) ? v : flat(v) ? k : byDefault(v, k))],
  ["convex min-max, vector 0.3 (keyword-leaning)", convex(0.3, "minmax")],
  ["convex TMM (-1, 0), vector 0.4 (keyword-leaning)", convex(0.4, "tmm")],
];

export async function main(host: ScriptHost): Promise<number> {
  const [dir, tenant, url = "http://127.0.0.1:8787"] = host.argv;
  if (!dir || !tenant) {
    host.stderr.write("usage: node scripts/run-ts.mjs scripts/fusion-study.ts DIR TENANT [URL]\n");
    return 2;
  }
  const collection = await loadBeirDirectory(dir, host.readText);
  const vars = host.devVars();
  const token = await mintDevToken(vars["JWT_SECRET"] ?? "", { tenant, issuer: vars["JWT_ISSUER"], audience: vars["JWT_AUDIENCE"] });
  const client = gatewayClient({ baseUrl: url, token });
  const byFilename = new Map(collection.corpus.map((doc) => [uploadFilename(doc), doc.id]));
  const corpusIdOf = new Map<string, string>();
  for (const doc of await client.listAll()) {
    const id = byFilename.get(doc.filename);
    if (id !== undefined) corpusIdOf.set(doc.id, id);
  }

  const totals = CANDIDATES.map(() => ({ ndcg: 0, recall: 0, mrr: 0 }));
  let queries = 0;
  let disagreements = 0;
  for (const query of collection.queries) {
    const qrels = collection.qrels.get(query.id);
    if (!qrels || ![...qrels.values()].some((grade) => grade > 0)) continue;
    queries++;
    const [vector, keyword] = await Promise.all(
      (["vector", "keyword"] as const).map(async (mode) =>
        (await client.search({ query: query.text, topK: 100, mode })).map((hit) => ({ id: `${hit.documentId}:${hit.chunkIndex}`, score: hit.score })),
      ),
    );
    if (!vector || !keyword) throw new Error("a search answered nothing");
    if (disagree(vector, keyword)) disagreements++;
    CANDIDATES.forEach(([, fusion], i) => {
      const ranked = dedupeToDocuments(
        fusion(vector, keyword)
          .slice(0, 100)
          .map((r) => ({ documentId: r.id.slice(0, r.id.lastIndexOf(":")) })),
        corpusIdOf,
      );
      const total = totals[i];
      if (!total) return;
      total.ndcg += ndcgAt(10, ranked, qrels);
      total.recall += recallAt(100, ranked, qrels);
      total.mrr += mrrAt(10, ranked, qrels);
    });
  }
  host.stdout.write(`${dir}: ${collection.corpus.length} documents, ${queries} queries, ${disagreements} with no chunk common to both top 10s\n`);
  host.stdout.write(`${"fusion".padEnd(50)} nDCG@10  R@100  MRR@10\n`);
  CANDIDATES.forEach(([name], i) => {
    const t = totals[i];
    if (t) host.stdout.write(`${name.padEnd(50)} ${(t.ndcg / queries).toFixed(4)}    ${(t.recall / queries).toFixed(3)}  ${(t.mrr / queries).toFixed(3)}\n`);
  });
  return 0;
}
