// /v1/admin: operator routes (tokens with `role: admin`). Operators run the
// deployment and see across tenants; tenants never reach these routes.
import { Hono } from "hono";
import { z } from "zod";
import { type DeadLetter, listDeadLetters } from "../../shared/dead-letters";
import type { AppEnv } from "../context";
import { decodeCursor, encodeCursor } from "../cursor";
import { requireRole } from "../edge/auth/require-auth";
import { type ReplayReport, replayDeadLetters } from "../replay";
import { requireJsonBody } from "../middleware/json-content-type";
import { validate } from "../validation";

export interface DeadLetterJson {
  id: string;
  documentId: string | null;
  tenantId: string | null;
  reason: DeadLetter["reason"];
  lastError: string | null;
  attempts: number;
  status: DeadLetter["status"];
  replayCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
  replayedAt: string | null;
  message: unknown;
}

export interface DeadLetterListResponse {
  deadLetters: DeadLetterJson[];
  nextCursor: string | null;
}
export type ReplayResponse = ReplayReport;

const iso = (ms: number) => new Date(ms).toISOString();

function deadLetterJson(letter: DeadLetter): DeadLetterJson {
  return {
    id: letter.id,
    documentId: letter.documentId,
    tenantId: letter.tenantId,
    reason: letter.reason,
    lastError: letter.lastError,
    attempts: letter.attempts,
    status: letter.status,
    replayCount: letter.replayCount,
    firstSeenAt: iso(letter.firstSeenAt),
    lastSeenAt: iso(letter.lastSeenAt),
    replayedAt: letter.replayedAt === null ? null : iso(letter.replayedAt),
    message: letter.body,
  };
}

const ListQuery = z.object({
  tenant: z.string().min(1).max(64).optional(),
  status: z.enum(["dead", "replayed"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
});

const ReplayBody = z
  .object({
    ids: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
    all: z.literal(true).optional(),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .refine((body) => (body.ids === undefined) !== (body.all === undefined), { message: 'give either "ids" or "all": true' });

export const admin = new Hono<AppEnv>()
  .use(requireRole("admin"))
  .get("/dead-letters", validate("query", ListQuery), async (c) => {
    const { tenant, status, limit, cursor } = c.req.valid("query");
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = await listDeadLetters(c.env.DB, {
      tenantId: tenant,
      status,
      limit,
      after: after && { lastSeenAt: after.t, id: after.id },
    });
    const body: DeadLetterListResponse = {
      deadLetters: page.deadLetters.map(deadLetterJson),
      nextCursor: page.next ? encodeCursor({ t: page.next.lastSeenAt, id: page.next.id }) : null,
    };
    return c.json(body);
  })
  .post("/dead-letters/replay", requireJsonBody, validate("json", ReplayBody), async (c) => {
    const { ids, dryRun } = c.req.valid("json");
    const report: ReplayResponse = await replayDeadLetters(
      { db: c.env.DB, queue: c.env.INGEST_QUEUE },
      ids ? { ids: [...new Set(ids)] } : { all: true },
      dryRun,
    );
    return c.json(report);
  });
