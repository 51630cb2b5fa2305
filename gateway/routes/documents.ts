// /v1/documents: upload, poll, list, delete. Every lookup is scoped to the
// caller's tenant; another tenant's document is indistinguishable from none.
import { type Context, Hono } from "hono";
import { z } from "zod";
import { DOCUMENT_STATUSES, type DocumentRecord, getDocument, listDocuments } from "../../shared/documents";
import { maxUploadBytes } from "../config";
import type { AppEnv } from "../context";
import { decodeCursor, encodeCursor } from "../cursor";
import { cleanFilename, detectDocumentType } from "../document-type";
import { ApiError } from "../errors";
import { acceptDocument } from "../intake";
import { limitBody } from "../middleware/body-limit";
import { purgeDocument } from "../purge";
import { readUpload, tooLarge } from "../upload";
import { validate } from "../validation";

export interface DocumentJson {
  id: string;
  filename: string;
  contentType: string;
  bytes: number;
  sha256: string;
  status: DocumentRecord["status"];
  pages: number | null;
  chunks: number | null;
  progress: { done: number; total: number };
  error: { code: string; message: string } | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export type UploadResponse = DocumentJson & { duplicate: boolean };
export interface ListResponse {
  documents: DocumentJson[];
  nextCursor: string | null;
}

export function documentJson(doc: DocumentRecord): DocumentJson {
  return {
    id: doc.id,
    filename: doc.filename,
    contentType: doc.contentType,
    bytes: doc.bytes,
    sha256: doc.sha256,
    status: doc.status,
    pages: doc.pages,
    chunks: doc.chunks,
    progress: doc.progress,
    error: doc.error,
    attempts: doc.attempts,
    createdAt: new Date(doc.createdAt).toISOString(),
    updatedAt: new Date(doc.updatedAt).toISOString(),
  };
}

// Multipart framing (boundaries, part headers) on top of the file itself.
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const uploadLimit = limitBody<Context<AppEnv>>(
  (c) => maxUploadBytes(c.env) + MULTIPART_OVERHEAD_BYTES,
  (_, c) => tooLarge(maxUploadBytes(c.env)),
);

const DocumentParams = z.object({ id: z.string().min(1).max(64) });
const ListQuery = z.object({
  status: z.enum(DOCUMENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});

export const documents = new Hono<AppEnv>()
  .post("/", uploadLimit, async (c) => {
    const upload = await readUpload(c, maxUploadBytes(c.env));
    const type = detectDocumentType(upload.bytes, upload.declaredType, upload.filename);
    if (!type.ok) throw new ApiError("unsupported_media_type", type.error);
    const intake = await acceptDocument(
      { db: c.env.DB, bucket: c.env.DOCUMENTS, queue: c.env.INGEST_QUEUE },
      c.get("caller").tenantId,
      { bytes: upload.bytes, filename: cleanFilename(upload.filename, type.value), contentType: type.value },
    );
    const body: UploadResponse = { ...documentJson(intake.document), duplicate: intake.duplicate };
    c.header("Location", `/v1/documents/${intake.document.id}`);
    return c.json(body, intake.enqueued ? 202 : 200);
  })
  .get("/", validate("query", ListQuery), async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = await listDocuments(c.env.DB, c.get("caller").tenantId, {
      status,
      limit,
      after: after && { createdAt: after.t, id: after.id },
    });
    const body: ListResponse = {
      documents: page.documents.map(documentJson),
      nextCursor: page.next ? encodeCursor({ t: page.next.createdAt, id: page.next.id }) : null,
    };
    return c.json(body);
  })
  .get("/:id", validate("param", DocumentParams), async (c) => {
    const doc = await getDocument(c.env.DB, c.get("caller").tenantId, c.req.valid("param").id);
    if (!doc) throw notFound();
    return c.json(documentJson(doc));
  })
  .delete("/:id", validate("param", DocumentParams), async (c) => {
    const doc = await getDocument(c.env.DB, c.get("caller").tenantId, c.req.valid("param").id);
    if (!doc) throw notFound();
    const gate = c.env.TENANT_GATE.get(c.env.TENANT_GATE.idFromName(doc.tenantId));
    // Cached answers may quote this document: the corpus version must change with it (shared/corpus-gate.ts).
    try {
      await gate.corpusChanging(doc.id);
    } catch (error) {
      console.error(JSON.stringify({ message: "tenant gate unreachable on delete", requestId: c.get("requestId"), error: String(error) }));
      throw new ApiError("service_unavailable", "The document cannot be deleted right now; try again shortly.", { "Retry-After": "5" });
    }
    try {
      await purgeDocument({ db: c.env.DB, bucket: c.env.DOCUMENTS, index: c.env.VECTORIZE }, doc);
    } finally {
      // A failure here leaves the change open until it times out: uncached, never stale.
      await gate.corpusChanged(doc.id).catch(() => {});
    }
    return c.body(null, 204);
  });

const notFound = () => new ApiError("document_not_found", "No such document.");
