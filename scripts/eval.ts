// `npm run eval -- --dataset DIR [--url URL] [--k 10] [--mode hybrid|keyword|vector]
//                 [--json] [--concurrency 8] [--token T] [--reuse-tenant T]`
// Search quality of a running gateway on a BEIR-format collection: ingests the corpus
// into an empty tenant through the public API, runs every judged query through
// /v1/search and prints nDCG, recall, MRR and latency. Exit codes: 0 done, 1 the run
// failed (API error, documents failed), 2 bad usage.
import { type BeirCollection, BeirFormatError, loadBeirDirectory } from "../eval/beir";
import { parseEvalArgs, USAGE, type EvalArgs } from "../eval/cli-args";
import { freshTenantName, mintDevToken, tenantOfToken } from "../eval/dev-token";
import { ApiCallError, type GatewayClient, gatewayClient, SEARCH_TOP_K_MAX } from "../eval/gateway-client";
import { ingestCorpus, uploadBody, uploadFilename } from "../eval/ingest";
import { formatIngestProgress, formatReport, summaryJson } from "../eval/report";
import { DEFAULT_RETRY } from "../eval/retry";
import { evaluate } from "../eval/run";
import type { ScriptHost } from "./host";
import { isLocalUrl, unreachable } from "./cli";
import { progressLine } from "./progress-line";

/** A problem the user can fix; printed without a stack trace. */
class EvalFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export async function main(host: ScriptHost): Promise<number> {
  const parsed = parseEvalArgs(host.argv, host.env);
  if (!parsed.ok) {
    host.stderr.write(`eval: ${parsed.error} (npm run eval -- --help for usage)\n`);
    return 2;
  }
  if (parsed.value.help) {
    host.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    await run(parsed.value, host);
    return 0;
  } catch (error) {
    if (error instanceof EvalFailure) {
      host.stderr.write(`eval: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ApiCallError && error.status === null) {
      host.stderr.write(`eval: ${unreachable({ url: parsed.value.url, source: parsed.value.urlSource }, error.message)}\n`);
      return 1;
    }
    if (error instanceof ApiCallError || error instanceof BeirFormatError) {
      host.stderr.write(`eval: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function run(args: EvalArgs, host: ScriptHost): Promise<void> {
  const collection = await load(args.dataset, host);
  for (const warning of collection.warnings.slice(0, 10)) host.stderr.write(`warning: ${warning}\n`);
  if (collection.warnings.length > 10) host.stderr.write(`warning: ... and ${collection.warnings.length - 10} more\n`);
  const { token, tenant, minted } = await credentials(args, host);

  let retries = 0;
  const client = gatewayClient({ baseUrl: args.url, token, retry: { ...DEFAULT_RETRY, onRetry: () => void retries++ } });
  const corpusIdOf = args.reuseTenant === null ? await ingest(args, host, client, collection, tenant, minted) : await findIngested(host, client, collection, tenant);

  const progress = progressLine(host.stderr);
  retries = 0;
  const evaluation = await evaluate(collection, (query) => client.search({ query, topK: SEARCH_TOP_K_MAX, mode: args.mode }), {
    k: args.k,
    corpusIdOf,
    onQuery: (done, total) => progress.update(`queries ${done}/${total}`),
  }).finally(() => progress.finish());

  const context = { dataset: args.dataset, mode: args.mode, documents: collection.corpus.length, tenant, topK: SEARCH_TOP_K_MAX, searchRetries: retries };
  host.stdout.write(`${formatReport(evaluation, context)}\n`);
  if (args.json) host.stdout.write(`${JSON.stringify(summaryJson(evaluation, context))}\n`);
}

async function load(dataset: string, host: ScriptHost): Promise<BeirCollection> {
  try {
    return await loadBeirDirectory(dataset, host.readText);
  } catch (error) {
    if (error instanceof BeirFormatError) throw new EvalFailure(`${dataset}/${error.message}`);
    throw new EvalFailure(`cannot read the collection in ${dataset}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
}

/** A token for the tenant to fill (or reuse): the caller's, or signed here for the local stack. */
async function credentials(args: EvalArgs, host: ScriptHost): Promise<{ token: string; tenant: string; minted: boolean }> {
  if (args.token !== null) return { token: args.token, tenant: args.reuseTenant ?? tenantOfToken(args.token) ?? "(the token's tenant)", minted: false };
  if (!isLocalUrl(args.url)) {
    throw new EvalFailure(
      `${args.url} is not the local stack, so no token can be signed here: pass --token with a token for an empty tenant on it (or for the tenant given to --reuse-tenant)`,
      2,
    );
  }
  const vars = host.devVars();
  const secret = vars["JWT_SECRET"];
  if (!secret) throw new EvalFailure("no JWT_SECRET in .dev.vars: start the local stack with `npm run dev` first (it creates one)", 2);
  const tenant = args.reuseTenant ?? freshTenantName();
  const token = await mintDevToken(secret, { tenant, issuer: vars["JWT_ISSUER"], audience: vars["JWT_AUDIENCE"] });
  return { token, tenant, minted: true };
}

async function ingest(args: EvalArgs, host: ScriptHost, client: GatewayClient, collection: BeirCollection, tenant: string, minted: boolean): Promise<Map<string, string>> {
  const existing = await client.listPage({ limit: 1 });
  if (existing.documents.length > 0) {
    throw new EvalFailure(
      `tenant ${tenant} already has documents, and scores are only meaningful on exactly the collection's corpus: ` +
        `use a token for an empty tenant, or --reuse-tenant ${tenant} to search what an earlier run put there`,
      2,
    );
  }
  const rerun = minted ? `--reuse-tenant ${tenant}` : `--reuse-tenant ${tenant} --token <the same token>`;
  host.stderr.write(`Ingesting ${collection.corpus.length} documents into tenant ${tenant} (to query it again without ingesting: ${rerun})\n`);

  const progress = progressLine(host.stderr);
  const outcome = await ingestCorpus(client, collection.corpus, {
    concurrency: args.concurrency,
    timeoutMs: args.timeoutSeconds * 1000,
    onProgress: (state) => progress.update(formatIngestProgress(state)),
  }).finally(() => progress.finish());

  switch (outcome.kind) {
    case "ready":
      if (outcome.merged.length > 0) {
        host.stderr.write(`${outcome.merged.length} corpus documents have the same text as another and share its document: ${outcome.merged.map((m) => `${m.corpusId}=${m.sameAs}`).slice(0, 10).join(", ")}\n`);
      }
      host.stderr.write(`All ${collection.corpus.length} documents ready in ${(outcome.elapsedMs / 1000).toFixed(1)} s\n`);
      return outcome.corpusIdOf;
    case "failed":
      throw new EvalFailure(
        `${outcome.failed.length} documents failed to ingest:\n` +
          outcome.failed.map(({ corpusId, document }) => `  ${corpusId} (${document.id}): ${document.error?.code ?? "?"} ${document.error?.message ?? ""}`).join("\n"),
      );
    case "timeout":
      throw new EvalFailure(
        `${outcome.pending.length} documents were still not ready after ${args.timeoutSeconds} s (--timeout), e.g. ` +
          outcome.pending.slice(0, 10).map((p) => `${p.corpusId} (${p.documentId})`).join(", "),
      );
  }
}

/** With --reuse-tenant: documents are recognised by the filename the ingest gave them. */
async function findIngested(host: ScriptHost, client: GatewayClient, collection: BeirCollection, tenant: string): Promise<Map<string, string>> {
  const byFilename = new Map(collection.corpus.map((doc) => [uploadFilename(doc), doc.id]));
  const corpusIdOf = new Map<string, string>();
  const notReady: string[] = [];
  let strangers = 0;
  for (const doc of await client.listAll()) {
    const corpusId = byFilename.get(doc.filename);
    if (corpusId === undefined) {
      strangers++;
      continue;
    }
    corpusIdOf.set(doc.id, corpusId);
    if (doc.status !== "ready") notReady.push(`${corpusId} (${doc.id}) is ${doc.status}`);
  }
  if (notReady.length > 0) throw new EvalFailure(`tenant ${tenant} is not ready to search:\n  ${notReady.slice(0, 20).join("\n  ")}`);

  // A document whose text equals another's was never stored under its own name.
  const present = new Set(corpusIdOf.values());
  const presentBodies = new Set(collection.corpus.filter((doc) => present.has(doc.id)).map(uploadBody));
  const missing = collection.corpus.filter((doc) => !present.has(doc.id) && !presentBodies.has(uploadBody(doc)));
  if (missing.length > 0) {
    throw new EvalFailure(
      `tenant ${tenant} lacks ${missing.length} of the collection's ${collection.corpus.length} documents (e.g. ${missing
        .slice(0, 5)
        .map((doc) => doc.id)
        .join(", ")}): was it filled from this collection by npm run eval?`,
    );
  }
  if (strangers > 0) host.stderr.write(`warning: tenant ${tenant} also holds ${strangers} documents not in the collection; found by a query, they count as not relevant\n`);
  return corpusIdOf;
}
