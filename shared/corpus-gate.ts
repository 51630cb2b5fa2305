// The corpus version: a per-tenant counter that changes whenever a document
// becomes searchable or stops being so, kept in the tenant's gate (a Durable
// Object, strongly consistent) so cached answers can be keyed by it.
//
// A change is bracketed: `corpusChanging` bumps the version and marks the
// tenant's corpus unsettled before the D1 write; `corpusChanged` settles it
// after. While unsettled, nothing is read from or written to the cache, so no
// request can read the new version and cache an answer computed from the old
// corpus. A bracket left open (a writer that crashed) closes itself after
// CORPUS_CHANGE_TIMEOUT_MS.

/** What the ingest consumer and the gateway's delete call on the tenant gate. */
export interface CorpusGate {
  corpusChanging(documentId: string): Promise<void>;
  corpusChanged(documentId: string): Promise<void>;
}

export const CORPUS_CHANGE_TIMEOUT_MS = 120_000;

export interface CorpusState {
  version: number;
  /** False while a document is between becoming ready/deleted and the change settling. */
  settled: boolean;
}

/**
 * The gate as a corpus-change tracker, for a worker that binds the gateway's
 * TenantGate class by script name and so has no type for it (the two workers
 * never import each other); the methods are the CorpusGate contract above.
 */
export function corpusGateFor(namespace: DurableObjectNamespace<undefined>, tenantId: string): CorpusGate {
  const stub = namespace.get(namespace.idFromName(tenantId));
  return stub as unknown as CorpusGate;
}
