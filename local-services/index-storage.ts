// The index's SQLite tables in its Durable Object. `vectors` is what queries
// can see; `mutations` + `pending` are accepted writes still waiting out the
// emulated lag, kept in order so they apply exactly as they were accepted.
import type { IndexedMetadata, IndexedValue } from "./metadata-index";
import type { StoredVector } from "./vector-input";

export type MutationKind = "insert" | "upsert" | "delete";

export interface Mutation {
  seq: number;
  mutationId: string;
  kind: MutationKind;
  applyAt: number;
}

export interface VectorRow {
  id: string;
  namespace: string | undefined;
  values: Float32Array;
  metadata: string | undefined;
}

type Row = Record<string, SqlStorageValue>;

export function createSchema(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  // `indexed`: the vector's metadata-index entries as of its write, because
  // real Vectorize never indexes vectors written before an index was created.
  sql.exec(`CREATE TABLE IF NOT EXISTS vectors (id TEXT PRIMARY KEY, namespace TEXT, vals BLOB NOT NULL, metadata TEXT, indexed TEXT NOT NULL)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS mutations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, mutation_id TEXT NOT NULL, kind TEXT NOT NULL,
    apply_at INTEGER NOT NULL, applied INTEGER NOT NULL DEFAULT 0)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS pending (
    seq INTEGER NOT NULL, pos INTEGER NOT NULL, id TEXT NOT NULL, namespace TEXT, vals BLOB, metadata TEXT,
    PRIMARY KEY (seq, pos))`);
}

/** Dimensions are fixed when an index is created; a later config cannot reinterpret stored blobs. */
export function pinDimensions(sql: SqlStorage, dimensions: number, indexName: string): void {
  const stored = sql.exec(`SELECT value FROM settings WHERE key = 'dimensions'`).toArray()[0]?.["value"];
  if (stored === undefined) {
    sql.exec(`INSERT INTO settings (key, value) VALUES ('dimensions', ?)`, String(dimensions));
  } else if (Number(stored) !== dimensions) {
    throw new Error(
      `local-services: index ${indexName} was created with ${String(stored)} dimensions but LOCAL_VECTORIZE_DIMENSIONS is ${dimensions}; ` +
        `use another LOCAL_VECTORIZE_INDEX_NAME or delete .wrangler/state`,
    );
  }
}

export function appendMutation(sql: SqlStorage, mutation: Omit<Mutation, "seq">, vectors: readonly StoredVector[] | readonly string[]): void {
  sql.exec(`INSERT INTO mutations (mutation_id, kind, apply_at) VALUES (?, ?, ?)`, mutation.mutationId, mutation.kind, mutation.applyAt);
  const seq = Number(sql.exec(`SELECT last_insert_rowid() AS seq`).one()["seq"]);
  vectors.forEach((v, pos) => {
    if (typeof v === "string") sql.exec(`INSERT INTO pending (seq, pos, id) VALUES (?, ?, ?)`, seq, pos, v);
    else sql.exec(`INSERT INTO pending VALUES (?, ?, ?, ?, ?, ?)`, seq, pos, v.id, v.namespace ?? null, blobOf(v.values), v.metadata ?? null);
  });
}

/** Accepted mutations whose lag has passed, oldest first; stops at the first that is not due, to keep order. */
export function dueMutations(sql: SqlStorage, now: number): Mutation[] {
  const due: Mutation[] = [];
  for (const row of sql.exec(`SELECT seq, mutation_id, kind, apply_at FROM mutations WHERE applied = 0 ORDER BY seq`)) {
    const applyAt = Number(row["apply_at"]);
    if (applyAt > now) break;
    due.push({ seq: Number(row["seq"]), mutationId: String(row["mutation_id"]), kind: kindOf(row["kind"]), applyAt });
  }
  return due;
}

export function pendingRows(sql: SqlStorage, seq: number): VectorRow[] {
  return sql.exec(`SELECT id, namespace, vals, metadata FROM pending WHERE seq = ? ORDER BY pos`, seq).toArray().map(vectorRow);
}

/** Marks a mutation processed and forgets older ones: only the latest is ever reported. */
export function markApplied(sql: SqlStorage, seq: number): void {
  sql.exec(`DELETE FROM pending WHERE seq = ?`, seq);
  sql.exec(`UPDATE mutations SET applied = 1 WHERE seq = ?`, seq);
  sql.exec(`DELETE FROM mutations WHERE applied = 1 AND seq < ?`, seq);
}

export function lastApplied(sql: SqlStorage): Mutation | undefined {
  const row = sql.exec(`SELECT seq, mutation_id, kind, apply_at FROM mutations WHERE applied = 1 ORDER BY seq DESC LIMIT 1`).toArray()[0];
  return row && { seq: Number(row["seq"]), mutationId: String(row["mutation_id"]), kind: kindOf(row["kind"]), applyAt: Number(row["apply_at"]) };
}

export function writeVector(sql: SqlStorage, v: VectorRow, indexed: IndexedMetadata): void {
  sql.exec(
    `INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?, ?)`,
    v.id, v.namespace ?? null, blobOf(v.values), v.metadata ?? null, JSON.stringify([...indexed]),
  );
}

export function deleteVector(sql: SqlStorage, id: string): void {
  sql.exec(`DELETE FROM vectors WHERE id = ?`, id);
}

export function* allVectors(sql: SqlStorage): Generator<VectorRow & { indexed: IndexedMetadata }> {
  for (const row of sql.exec(`SELECT id, namespace, vals, metadata, indexed FROM vectors`)) {
    yield { ...vectorRow(row), indexed: parseIndexed(row["indexed"]) };
  }
}

/** Up to `limit` vectors stored after rowid `after`, in rowid order, each with its rowid: for loading in slices. */
export function vectorPage(sql: SqlStorage, after: number, limit: number): (VectorRow & { indexed: IndexedMetadata; rowid: number })[] {
  return sql
    .exec(`SELECT rowid, id, namespace, vals, metadata, indexed FROM vectors WHERE rowid > ? ORDER BY rowid LIMIT ?`, after, limit)
    .toArray()
    .map((row) => ({ ...vectorRow(row), indexed: parseIndexed(row["indexed"]), rowid: Number(row["rowid"]) }));
}

function parseIndexed(json: unknown): IndexedMetadata {
  const entries: unknown = typeof json === "string" ? JSON.parse(json) : [];
  const indexed = new Map<string, IndexedValue>();
  if (!Array.isArray(entries)) return indexed;
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue;
    const [key, value]: unknown[] = entry;
    if (typeof key === "string" && (typeof value === "string" || typeof value === "number" || typeof value === "boolean")) indexed.set(key, value);
  }
  return indexed;
}

/** Full metadata lives only here, not in memory: at most a few vectors per call need it. */
export function metadataOf(sql: SqlStorage, ids: readonly string[]): Map<string, string> {
  if (ids.length === 0) return new Map();
  const rows = sql.exec(`SELECT id, metadata FROM vectors WHERE id IN (${ids.map(() => "?").join(",")})`, ...ids).toArray();
  return new Map(rows.flatMap((r) => (typeof r["metadata"] === "string" ? [[String(r["id"]), r["metadata"]]] : [])));
}

function vectorRow(row: Row): VectorRow {
  const vals = row["vals"];
  return {
    id: String(row["id"]),
    namespace: typeof row["namespace"] === "string" ? row["namespace"] : undefined,
    values: vals instanceof ArrayBuffer ? new Float32Array(vals.slice(0)) : new Float32Array(0),
    metadata: typeof row["metadata"] === "string" ? row["metadata"] : undefined,
  };
}

function blobOf(values: Float32Array): ArrayBuffer {
  return values.slice().buffer;
}

function kindOf(value: unknown): MutationKind {
  if (value === "insert" || value === "upsert" || value === "delete") return value;
  throw new Error(`local-services: unknown mutation kind ${String(value)}`);
}
