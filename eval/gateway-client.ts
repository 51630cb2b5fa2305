// The gateway's public API as an outside client sees it: upload, list, search.
// Answers are validated here (the client has its own view of the wire format, it
// does not import the gateway), and a non-2xx answer becomes an ApiCallError that
// carries the error envelope's code and message.
import { z } from "zod";
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from "./retry";

export type Fetcher = (request: Request) => Promise<Response>;

export const DOCUMENT_STATUSES = ["queued", "processing", "ready", "failed"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export const SEARCH_MODES = ["hybrid", "keyword", "vector"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** The API's largest page and largest topK. */
export const LIST_PAGE_LIMIT = 100;
export const SEARCH_TOP_K_MAX = 100;

const Uploaded = z.object({ id: z.string(), status: z.enum(DOCUMENT_STATUSES), duplicate: z.boolean() });
const ListedDocument = z.object({
  id: z.string(),
  filename: z.string(),
  status: z.enum(DOCUMENT_STATUSES),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
const ListPage = z.object({ documents: z.array(ListedDocument), nextCursor: z.string().nullable() });
const SearchResult = z.object({
  documentId: z.string(),
  filename: z.string().optional(),
  chunkIndex: z.number(),
  score: z.number(),
  sources: z.array(z.string()).optional(),
});
const SearchAnswer = z.object({ results: z.array(SearchResult), tookMs: z.number().optional(), mode: z.string().optional() });
const ErrorEnvelope = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type UploadedDocument = z.infer<typeof Uploaded>;
export type ListedDocument = z.infer<typeof ListedDocument>;
export type SearchResult = z.infer<typeof SearchResult>;

export interface SearchRequest {
  query: string;
  topK?: number;
  mode?: SearchMode;
  documentIds?: string[];
}

export class ApiCallError extends Error {
  override readonly name = "ApiCallError";
  constructor(
    readonly call: string,
    /** null when no HTTP answer came at all. */
    readonly status: number | null,
    readonly code: string | null,
    detail: string,
  ) {
    super(`${call}: ${status === null ? "" : `HTTP ${status}${code ? ` ${code}` : ""}: `}${detail}`);
  }
}

export interface GatewayClientOptions {
  baseUrl: string;
  token: string;
  /** Defaults to the global fetch; tests pass exports.default.fetch or a fake. */
  fetch?: Fetcher;
  retry?: RetryPolicy;
}

export type GatewayClient = ReturnType<typeof gatewayClient>;

export function gatewayClient(options: GatewayClientOptions) {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const policy = options.retry ?? DEFAULT_RETRY;

  async function call<T>(method: string, path: string, schema: z.ZodType<T>, init: { body?: string; contentType?: string } = {}): Promise<T> {
    const label = `${method} ${path}`;
    const url = new URL(path, options.baseUrl);
    let response: Response;
    try {
      response = await withRetry(() => {
        const headers = new Headers({ Authorization: `Bearer ${options.token}` });
        if (init.contentType) headers.set("Content-Type", init.contentType);
        return send(new Request(url, { method, headers, body: init.body ?? null }));
      }, policy);
    } catch (error) {
      const cause = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}` : String(error);
      throw new ApiCallError(label, null, null, `no answer from ${url.origin} (${cause})`);
    }
    const text = await response.text();
    if (!response.ok) {
      const envelope = ErrorEnvelope.safeParse(safeJson(text));
      if (envelope.success) throw new ApiCallError(label, response.status, envelope.data.error.code, envelope.data.error.message);
      throw new ApiCallError(label, response.status, null, text.slice(0, 200) || response.statusText);
    }
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).slice(0, 3);
      throw new ApiCallError(label, response.status, null, `unexpected answer (${problems.join("; ")})`);
    }
    return parsed.data;
  }

  function listPage(query: { status?: DocumentStatus; cursor?: string | null; limit?: number } = {}) {
    const params = new URLSearchParams({ limit: String(query.limit ?? LIST_PAGE_LIMIT) });
    if (query.status) params.set("status", query.status);
    if (query.cursor) params.set("cursor", query.cursor);
    return call("GET", `/v1/documents?${params}`, ListPage);
  }

  return {
    upload(text: string, filename: string): Promise<UploadedDocument> {
      return call("POST", `/v1/documents?filename=${encodeURIComponent(filename)}`, Uploaded, { body: text, contentType: "text/plain; charset=utf-8" });
    },

    listPage,

    /** Every document, following cursors; with a status, only those. */
    async listAll(status?: DocumentStatus): Promise<ListedDocument[]> {
      const all: ListedDocument[] = [];
      let cursor: string | null = null;
      do {
        const page: z.infer<typeof ListPage> = await listPage({ ...(status ? { status } : {}), cursor });
        all.push(...page.documents);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return all;
    },

    async search(request: SearchRequest): Promise<SearchResult[]> {
      const answer = await call("POST", "/v1/search", SearchAnswer, { body: JSON.stringify(request), contentType: "application/json" });
      return answer.results;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
