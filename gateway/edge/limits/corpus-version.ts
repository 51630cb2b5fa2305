// The tenant's corpus version and open corpus changes, in the gate's SQLite
// (see shared/corpus-gate.ts for why changes are bracketed). Changes are rare,
// so every one is written at once.
import { CORPUS_CHANGE_TIMEOUT_MS, type CorpusState } from "../../../shared/corpus-gate";

export class CorpusVersion {
  private version: number;
  private readonly pending = new Map<string, number>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS corpus (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS corpus_changes (document_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
    const row = sql.exec<{ version: number }>("SELECT version FROM corpus WHERE id = 1").toArray()[0];
    this.version = row?.version ?? 0;
    for (const change of sql.exec<{ document_id: string; expires_at: number }>("SELECT document_id, expires_at FROM corpus_changes")) {
      this.pending.set(change.document_id, change.expires_at);
    }
  }

  state(now: number): CorpusState {
    for (const [documentId, expiresAt] of this.pending) {
      if (expiresAt <= now) this.settle(documentId);
    }
    return { version: this.version, settled: this.pending.size === 0 };
  }

  changing(documentId: string, now: number): void {
    this.version += 1;
    this.sql.exec("INSERT INTO corpus (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version", this.version);
    const expiresAt = now + CORPUS_CHANGE_TIMEOUT_MS;
    this.pending.set(documentId, expiresAt);
    this.sql.exec("INSERT OR REPLACE INTO corpus_changes (document_id, expires_at) VALUES (?, ?)", documentId, expiresAt);
  }

  settle(documentId: string): void {
    this.pending.delete(documentId);
    this.sql.exec("DELETE FROM corpus_changes WHERE document_id = ?", documentId);
  }
}
