// A test collection in BEIR's on-disk format: corpus.jsonl, queries.jsonl and
// qrels/test.tsv. The parsers take file contents (workerd tests import them with
// `?raw`); loadBeirDirectory reads them through whatever file reader the host has.
import { z } from "zod";

export interface BeirDocument {
  id: string;
  title: string;
  text: string;
}

export interface BeirQuery {
  id: string;
  text: string;
}

/** Query id -> corpus id -> grade. */
export type BeirQrels = Map<string, Map<string, number>>;

export interface BeirCollection {
  corpus: BeirDocument[];
  queries: BeirQuery[];
  qrels: BeirQrels;
  /** Dangling references, kept rather than fatal because published BEIR sets have a few. */
  warnings: string[];
}

export const CORPUS_FILE = "corpus.jsonl";
export const QUERIES_FILE = "queries.jsonl";
export const QRELS_FILE = "qrels/test.tsv";

/** A malformed collection file; the message names the file and the 1-based line. */
export class BeirFormatError extends Error {
  override readonly name = "BeirFormatError";
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file} line ${line}: ${problem}`);
  }
}

// Extra fields (BEIR corpora often carry `metadata`) are allowed and dropped.
const CorpusLine = z.object({ _id: z.string().min(1), title: z.string().default(""), text: z.string() });
const QueryLine = z.object({ _id: z.string().min(1), text: z.string().min(1) });
const QRELS_HEADER = ["query-id", "corpus-id", "score"];

export function parseCorpus(contents: string, file = CORPUS_FILE): BeirDocument[] {
  return uniqueIds(
    file,
    parseJsonLines(contents, file, CorpusLine).map(({ line, value }) => ({ line, value: { id: value._id, title: value.title, text: value.text } })),
  );
}

export function parseQueries(contents: string, file = QUERIES_FILE): BeirQuery[] {
  return uniqueIds(
    file,
    parseJsonLines(contents, file, QueryLine).map(({ line, value }) => ({ line, value: { id: value._id, text: value.text } })),
  );
}

/** Qrels with the line each judgment came from, so cross-file checks can point at it. */
export interface ParsedQrels {
  qrels: BeirQrels;
  lines: { queryId: string; corpusId: string; line: number }[];
}

export function parseQrels(contents: string, file = QRELS_FILE): ParsedQrels {
  const qrels: BeirQrels = new Map();
  const lines: ParsedQrels["lines"] = [];
  let sawHeader = false;
  splitLines(contents).forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === "") return;
    const fields = text.split("\t").map((field) => field.trim());
    if (!sawHeader) {
      if (fields.join("\t") !== QRELS_HEADER.join("\t")) {
        throw new BeirFormatError(file, line, `expected the header "${QRELS_HEADER.join("\\t")}", got "${text}"`);
      }
      sawHeader = true;
      return;
    }
    const [queryId, corpusId, score] = fields;
    if (fields.length !== 3 || !queryId || !corpusId || score === undefined) {
      throw new BeirFormatError(file, line, `expected 3 tab-separated fields (query-id, corpus-id, score), got ${fields.length}`);
    }
    if (!/^-?\d+$/.test(score)) throw new BeirFormatError(file, line, `score must be an integer, got "${score}"`);
    const judged = qrels.get(queryId) ?? new Map<string, number>();
    if (judged.has(corpusId)) throw new BeirFormatError(file, line, `query ${queryId} already has a judgment for ${corpusId}`);
    judged.set(corpusId, Number(score));
    qrels.set(queryId, judged);
    lines.push({ queryId, corpusId, line });
  });
  if (!sawHeader) throw new BeirFormatError(file, 1, "empty file: expected a header and judgments");
  return { qrels, lines };
}

/** Joins the three files; qrels naming an unknown query or document become warnings. */
export function buildCollection(files: { corpus: string; queries: string; qrels: string }): BeirCollection {
  const corpus = parseCorpus(files.corpus);
  const queries = parseQueries(files.queries);
  const { qrels, lines } = parseQrels(files.qrels);
  const corpusIds = new Set(corpus.map((doc) => doc.id));
  const queryIds = new Set(queries.map((query) => query.id));
  const warnings: string[] = [];
  for (const { queryId, corpusId, line } of lines) {
    if (!queryIds.has(queryId)) warnings.push(`${QRELS_FILE} line ${line}: query ${queryId} is not in ${QUERIES_FILE}`);
    if (!corpusIds.has(corpusId)) warnings.push(`${QRELS_FILE} line ${line}: document ${corpusId} is not in ${CORPUS_FILE}`);
  }
  return { corpus, queries, qrels, warnings };
}

/** Reads a BEIR directory with the host's reader (Node's fs in scripts, anything in tests). */
export async function loadBeirDirectory(dir: string, readText: (path: string) => Promise<string>): Promise<BeirCollection> {
  const base = dir.replace(/\/+$/, "");
  const read = (file: string) => readText(`${base}/${file}`);
  const [corpus, queries, qrels] = await Promise.all([read(CORPUS_FILE), read(QUERIES_FILE), read(QRELS_FILE)]);
  return buildCollection({ corpus, queries, qrels });
}

function parseJsonLines<T>(contents: string, file: string, schema: z.ZodType<T>): { line: number; value: T }[] {
  const parsed: { line: number; value: T }[] = [];
  splitLines(contents).forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new BeirFormatError(file, line, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`);
      throw new BeirFormatError(file, line, problems.join("; "));
    }
    parsed.push({ line, value: result.data });
  });
  return parsed;
}

function uniqueIds<T extends { id: string }>(file: string, entries: { line: number; value: T }[]): T[] {
  const firstLine = new Map<string, number>();
  for (const { line, value } of entries) {
    const earlier = firstLine.get(value.id);
    if (earlier !== undefined) throw new BeirFormatError(file, line, `_id "${value.id}" repeats the one on line ${earlier}`);
    firstLine.set(value.id, line);
  }
  return entries.map((entry) => entry.value);
}

function splitLines(contents: string): string[] {
  // A leading BOM would otherwise make the first line invalid JSON.
  return contents.replace(/^\uFEFF/, "").split(/\r?\n/);
}
