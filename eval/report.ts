// What `npm run eval` prints: a table for people and one JSON line for machines
// (CI, a README generator), whose key names stay fixed for the default k of 10.
import type { Evaluation } from "./run";

export interface ReportContext {
  dataset: string;
  mode: string;
  /** Corpus documents ingested (or found, with --reuse-tenant). */
  documents: number;
  tenant: string | null;
  /** The most search results the API returns, which bounds recall. */
  topK: number;
  searchRetries: number;
}

export function summaryJson(evaluation: Evaluation, context: Pick<ReportContext, "mode" | "documents">): Record<string, number | string> {
  return {
    [`ndcg@${evaluation.k}`]: round(evaluation.ndcg, 4),
    [`recall@${evaluation.recallK}`]: round(evaluation.recall, 4),
    [`mrr@${evaluation.k}`]: round(evaluation.mrr, 4),
    p50Ms: round(evaluation.p50Ms, 1),
    p95Ms: round(evaluation.p95Ms, 1),
    mode: context.mode,
    documents: context.documents,
    queries: evaluation.queries.length,
  };
}

export function formatReport(evaluation: Evaluation, context: ReportContext, worst = 5): string {
  const rows: [string, string][] = [
    [`nDCG@${evaluation.k}`, evaluation.ndcg.toFixed(4)],
    [`Recall@${evaluation.recallK}`, `${evaluation.recall.toFixed(4)}  (*)`],
    [`MRR@${evaluation.k}`, evaluation.mrr.toFixed(4)],
    ["latency p50", `${evaluation.p50Ms.toFixed(1)} ms`],
    ["latency p95", `${evaluation.p95Ms.toFixed(1)} ms`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [
    `dataset   ${context.dataset}`,
    `mode      ${context.mode}`,
    `corpus    ${context.documents} documents${context.tenant ? ` in tenant ${context.tenant}` : ""}`,
    `queries   ${evaluation.queries.length} evaluated${evaluation.skipped.length ? `, ${evaluation.skipped.length} skipped (no document graded > 0)` : ""}`,
    "",
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    "",
    `(*) The API returns at most ${context.topK} chunks per query, so at most ${context.topK} distinct documents`,
    `    are ranked: Recall@${evaluation.recallK} here is recall within those, a lower bound of the true value.`,
    "Latency is client-side wall time per /v1/search call, queries run one at a time.",
  ];
  if (evaluation.k > context.topK) lines.push(`With k = ${evaluation.k} above ${context.topK}, nDCG and MRR see only the top ${context.topK} chunks' documents.`);
  if (context.searchRetries > 0) lines.push(`${context.searchRetries} search calls were retried (429/5xx); their latency includes the wait.`);

  const weakest = [...evaluation.queries].sort((a, b) => a.ndcg - b.ndcg || a.queryId.localeCompare(b.queryId)).slice(0, worst);
  if (weakest.length > 0 && (weakest[0]?.ndcg ?? 1) < 1) {
    lines.push("", `Weakest queries by nDCG@${evaluation.k}:`);
    for (const outcome of weakest) {
      lines.push(`  ${outcome.queryId.padEnd(12)} nDCG ${outcome.ndcg.toFixed(3)}  MRR ${outcome.mrr.toFixed(3)}  top: ${outcome.ranked.slice(0, 3).join(", ") || "(nothing)"}`);
    }
  }
  return lines.join("\n");
}

export function formatIngestProgress(progress: { total: number; uploaded: number; ready: number; failed: number; elapsedMs: number }): string {
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? progress.ready / seconds : 0;
  const failed = progress.failed > 0 ? `  failed ${progress.failed}` : "";
  return `uploaded ${progress.uploaded}/${progress.total}  ready ${progress.ready}/${progress.total}${failed}  ${rate.toFixed(1)} docs/s  ${seconds.toFixed(0)} s`;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
