// `node scripts/run-ts.mjs scripts/fusion-study.ts DIR TENANT [URL]`
// Compares fusion functions on a collection an earlier `npm run eval` put into
// TENANT on the local stack: for every judged query it asks /v1/search for the
// keyword and the vector top 100, fuses them here with each candidate (the
// gateway's own fusion code), and prints nDCG@10, Recall@100 and MRR@10 per
// candidate beside keyword and vector alone. Used to choose the hybrid default
// (README, "How hybrid search fuses"); the chosen one is then measured through
// the API by `npm run eval`.
import { loadBeirDirectory } from "../eval/beir";
import { mintDevToken } from "../eval/dev-token";
import { gatewayClient } from "../eval/gateway-client";
import { uploadFilename } from "../eval/ingest";
import { dedupeToDocuments, mrrAt, ndcgAt, recallAt } from "../eval/metrics";
import { convexCombination, reciprocalRankFusion } from "../gateway/retrieval/fusion";
import type { Ranked } from "../gateway/retrieval/types";
import type { ScriptHost } from "./host";

type Fusion = (vector: Ranked[], keyword: Ranked[]) => Ranked[];

// With no chunk in common between the two top 10s the retrievers disagree completely.
function disagree(vector: Ranked[], keyword: Ranked[]): boolean {
  const top = new Set(vector.slice(0, 10).map((r) => r.id));
  return vector.length > 0 && keyword.length > 0 && !keyword.slice(0, 10).some((r) => top.has(r.id));
}

const CANDIDATES: [string, Fusion][] = [
  ["keyword alone", (_v, k) => k],
  ["vector alone", (v) => v],
  ["RRF k=60, equal weights", (v, k) => reciprocalRankFusion([v, k], 60)],
  ["RRF k=60, vector 0.7", (v, k) => reciprocalRankFusion([v, k], 60, [0.7, 0.3])],
  ["RRF k=60, vector 0.3", (v, k) => reciprocalRankFusion([v, k], 60, [0.3, 0.7])],
  ["convex, vector 0.3", (v, k) => convexCombination([v, k], [0.3, 0.7])],
  ["convex, vector 0.5", (v, k) => convexCombination([v, k], [0.5, 0.5])],
  ["convex, vector 0.7", (v, k) => convexCombination([v, k], [0.7, 0.3])],
  ["RRF equal, keyword on disagreement", (v, k) => (disagree(v, k) ? k : reciprocalRankFusion([v, k], 60))],
  ["convex 0.5, keyword on disagreement", (v, k) => (disagree(v, k) ? k : convexCombination([v, k], [0.5, 0.5]))],
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
  host.stdout.write(`${"fusion".padEnd(38)} nDCG@10  R@100  MRR@10\n`);
  CANDIDATES.forEach(([name], i) => {
    const t = totals[i];
    if (t) host.stdout.write(`${name.padEnd(38)} ${(t.ndcg / queries).toFixed(3)}    ${(t.recall / queries).toFixed(3)}  ${(t.mrr / queries).toFixed(3)}\n`);
  });
  return 0;
}
