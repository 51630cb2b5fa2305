// Puts a collection's corpus into a tenant through the public API and waits until
// every document is searchable. Uploads run `concurrency` at a time; meanwhile a
// poller lists what is still queued, processing or failed (a shrinking set, so a
// round costs less as the run goes on) and reports progress.
import type { BeirDocument } from "./beir";
import { mapConcurrent } from "./concurrency";
import type { GatewayClient, ListedDocument } from "./gateway-client";
import { sleep as realSleep } from "./retry";

export interface IngestProgress {
  total: number;
  uploaded: number;
  ready: number;
  failed: number;
  elapsedMs: number;
}

export interface IngestOptions {
  concurrency: number;
  pollIntervalMs?: number;
  timeoutMs?: number;
  onProgress?: (progress: IngestProgress) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type IngestOutcome =
  | {
      kind: "ready";
      /** The API's document id -> corpus id. */
      corpusIdOf: Map<string, string>;
      /** Corpus documents with the same bytes as an earlier one: the API keeps one document for both. */
      merged: { corpusId: string; sameAs: string }[];
      elapsedMs: number;
    }
  | { kind: "failed"; failed: { corpusId: string; document: ListedDocument }[] }
  | { kind: "timeout"; pending: { corpusId: string; documentId: string }[] };

/** What a corpus document becomes on upload; scripts and tests must agree on it. */
export function uploadBody(doc: BeirDocument): string {
  return doc.title ? `${doc.title}\n\n${doc.text}` : doc.text;
}

/**
 * The corpus id as a filename the gateway keeps as it is: it drops everything up to
 * a "/" or "\\" (path parts), so those, and "%" itself, are percent-encoded
 * (DBPedia's ids hold slashes: "<dbpedia:Apollo_Command/Service_Module>").
 */
export function uploadFilename(doc: BeirDocument): string {
  return `${doc.id.replace(/[%/\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}.txt`;
}

export async function ingestCorpus(client: GatewayClient, corpus: readonly BeirDocument[], options: IngestOptions): Promise<IngestOutcome> {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? realSleep;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const started = now();
  const deadline = started + (options.timeoutMs ?? 30 * 60_000);

  const corpusIdOf = new Map<string, string>();
  const merged: { corpusId: string; sameAs: string }[] = [];
  let ready = 0;
  let failedCount = 0;
  const report = () =>
    options.onProgress?.({ total: corpus.length, uploaded: corpusIdOf.size + merged.length, ready, failed: failedCount, elapsedMs: now() - started });

  let uploadsSettled = false;
  let uploadError: unknown = null;
  const uploads = mapConcurrent(corpus, options.concurrency, async (doc) => {
    const answer = await client.upload(uploadBody(doc), uploadFilename(doc));
    const earlier = corpusIdOf.get(answer.id);
    if (earlier === undefined) corpusIdOf.set(answer.id, doc.id);
    else merged.push({ corpusId: doc.id, sameAs: earlier });
    report();
  }).then(
    () => {
      uploadsSettled = true;
    },
    (error: unknown) => {
      uploadsSettled = true;
      uploadError = error;
    },
  );

  for (;;) {
    const roundStarted = now();
    if (uploadsSettled && uploadError !== null) throw uploadError;
    const done = uploadsSettled;
    // Only documents whose upload answered before this round began are judged by it:
    // a later one may be missing from the lists for no other reason than timing.
    const known = new Map(corpusIdOf);
    // Queued before processing: a document moving between the two while we page is
    // then seen twice rather than not at all.
    const pending = new Set([...(await client.listAll("queued")), ...(await client.listAll("processing"))].map((doc) => doc.id));
    const failed = (await client.listAll("failed")).filter((doc) => known.has(doc.id));
    const stillPending = [...known.keys()].filter((id) => pending.has(id));
    failedCount = failed.length;
    // A merged document is as ready as its twin; counting it keeps "ready" able to reach the total.
    ready = known.size - stillPending.length - failed.length + merged.length;
    report();

    if (done && stillPending.length === 0) {
      if (failed.length > 0) return { kind: "failed", failed: failed.map((document) => ({ corpusId: known.get(document.id) ?? document.id, document })) };
      // One full listing of ready documents, so "ready" rests on the API's word, not on arithmetic.
      const confirmed = new Set((await client.listAll("ready")).map((doc) => doc.id));
      if ([...known.keys()].every((id) => confirmed.has(id))) return { kind: "ready", corpusIdOf, merged, elapsedMs: now() - started };
    }
    if (now() > deadline) {
      await uploads;
      // Uploads that answered after this round's lists were not seen in any state yet.
      const unsettled = [...corpusIdOf].filter(([documentId]) => pending.has(documentId) || !known.has(documentId));
      return { kind: "timeout", pending: unsettled.map(([documentId, corpusId]) => ({ documentId, corpusId })) };
    }
    await sleep(Math.max(0, pollIntervalMs - (now() - roundStarted)));
  }
}
