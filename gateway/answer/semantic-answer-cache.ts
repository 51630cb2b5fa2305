// SemanticAnswerCache: one per tenant (idFromName(tenantId)). Keeps answers
// to recent questions with their embeddings; a new question whose embedding
// is close enough to one answered for the same corpus version and the same
// request scope (topK, documentIds, model) gets that answer back. The
// vectors are compared here, by brute force over at most `maxEntries`, which
// is exact and strongly consistent (a Vectorize namespace would be neither).
import { DurableObject } from "cloudflare:workers";

export interface CachedAnswer {
  question: string;
  similarity: number;
  /** The answer and its sources as JSON, exactly as first sent. */
  payload: string;
}

interface Entry {
  id: number;
  version: string;
  scope: string;
  question: string;
  vector: Float32Array;
  norm: number;
  payload: string;
}

export class SemanticAnswerCache extends DurableObject<GatewayEnv> {
  private entries: Entry[] | undefined;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL, scope TEXT NOT NULL,
      question TEXT NOT NULL, vector BLOB NOT NULL, payload TEXT NOT NULL)`);
  }

  lookup(vector: number[], version: string, scope: string, minSimilarity: number): CachedAnswer | null {
    const query = Float32Array.from(vector);
    const queryNorm = norm(query);
    let best: { entry: Entry; similarity: number } | undefined;
    for (const entry of this.load()) {
      if (entry.version !== version || entry.scope !== scope || entry.vector.length !== query.length) continue;
      const similarity = dot(entry.vector, query) / (entry.norm * queryNorm || 1);
      if (similarity >= minSimilarity && (!best || similarity > best.similarity)) best = { entry, similarity };
    }
    return best ? { question: best.entry.question, similarity: best.similarity, payload: best.entry.payload } : null;
  }

  /** Keeps the answer; answers for other corpus versions can never be served again and go. */
  store(question: string, vector: number[], version: string, scope: string, payload: string, maxEntries: number): void {
    const sql = this.ctx.storage.sql;
    const packed = Float32Array.from(vector);
    sql.exec("DELETE FROM answers WHERE version != ?", version);
    const id = sql.exec<{ id: number }>("INSERT INTO answers (version, scope, question, vector, payload) VALUES (?, ?, ?, ?, ?) RETURNING id",
      version, scope, question, packed.buffer, payload).one().id;
    sql.exec("DELETE FROM answers WHERE id <= ?", id - maxEntries);
    const kept = this.load().filter((e) => e.version === version && e.id > id - maxEntries);
    kept.push({ id, version, scope, question, vector: packed, norm: norm(packed), payload });
    this.entries = kept;
  }

  private load(): Entry[] {
    if (this.entries) return this.entries;
    const rows = this.ctx.storage.sql
      .exec<{ id: number; version: string; scope: string; question: string; vector: ArrayBuffer; payload: string }>(
        "SELECT id, version, scope, question, vector, payload FROM answers ORDER BY id",
      )
      .toArray();
    this.entries = rows.map((r) => {
      const vector = new Float32Array(r.vector.slice(0));
      return { id: r.id, version: r.version, scope: r.scope, question: r.question, vector, norm: norm(vector), payload: r.payload };
    });
    return this.entries;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

const norm = (v: Float32Array) => Math.sqrt(dot(v, v));
