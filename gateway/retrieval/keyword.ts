// Keyword retrieval: BM25 over the tenant's chunks in D1 FTS5. User text never
// reaches FTS5 as syntax: it is cut into plain terms, each quoted.
import { STOPWORDS } from "./stopwords";
import type { Ranked } from "./types";

// Enough terms for any real question; bounds the work one query can cause.
const MAX_TERMS = 32;

/** An FTS5 query of the text's content words (OR-ed, each a quoted string), or null when it has none. */
export function ftsQuery(text: string): string | null {
  const words = text.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = [...new Set(words.filter((w) => !STOPWORDS.has(w) && (w.length > 1 || /\p{N}|[^\p{Script=Latin}]/u.test(w))))];
  if (terms.length === 0) return null;
  return terms
    .slice(0, MAX_TERMS)
    .map((t) => `"${t}"`)
    .join(" OR ");
}

export async function keywordSearch(
  db: D1Database,
  tenantId: string,
  query: string,
  options: { limit: number; documentIds?: readonly string[] | undefined },
): Promise<Ranked[]> {
  const match = ftsQuery(query);
  if (match === null) return [];
  const filter = options.documentIds?.length ? `AND c.document_id IN (${options.documentIds.map(() => "?").join(", ")})` : "";
  // bm25() is lower-is-better; the score is negated so higher is better everywhere.
  const { results } = await db
    .prepare(
      `SELECT c.id AS id, -bm25(chunks_fts) AS score
       FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid JOIN documents d ON d.id = c.document_id
       WHERE chunks_fts MATCH ? AND c.tenant_id = ?2 AND d.tenant_id = ?2 AND d.status = 'ready' ${filter}
       ORDER BY bm25(chunks_fts) LIMIT ?`,
    )
    .bind(match, tenantId, ...(options.documentIds ?? []), options.limit)
    .all<Ranked>();
  return results;
}
