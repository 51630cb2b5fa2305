// Failure classes: transient causes are retried with backoff; permanent ones
// fail the document with a stable code after exactly one attempt; hostile
// documents always end in a terminal state.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDocument } from "../../shared/documents";
import { makeEncryptedPdf, makeImageOnlyPdf, makePdf, truncatePdf } from "../fixtures/pdf";
import { interceptedAi } from "../helpers/ai";
import { deliver } from "../helpers/queue";
import { seedDocument } from "../helpers/seed";
import { uniqueTenant } from "../helpers/tokens";

/** Workers AI that fails the way the real binding does, `times` times, then works. */
const flakyAi = (error: string, times = Infinity) =>
  interceptedAi((call) => {
    if (call <= times) throw new Error(error);
  });

describe("transient failures", () => {
  it("retries an AI capacity error with a delay, keeps the document processing, then finishes", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, "Kettles boil faster at altitude.");
    const first = await deliver([message], { env: { AI: flakyAi("3040: Capacity temporarily exceeded, please try again.") } });
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(first.ids);
    // Local config: RETRY_BASE_SECONDS=1, so the first delay is between 1/2 and 1 s, at least 1.
    expect(first.delays.get(first.ids[0] ?? "")).toBe(1);
    const waiting = await getDocument(env.DB, tenant, id);
    expect(waiting).toMatchObject({ status: "processing", attempts: 1, error: null });
    expect(waiting?.lastError).toMatch(/^ai_capacity: 3040/);

    const second = await deliver([message], { attempts: 2 });
    expect(second.explicitAcks).toEqual(second.ids);
    expect(await getDocument(env.DB, tenant, id)).toMatchObject({ status: "ready", attempts: 2 });
  });

  it("backs off exponentially with jitter, within the configured cap", async () => {
    const tenant = uniqueTenant();
    const { message } = await seedDocument(tenant, "Backoff is exponential.");
    const config = { AI: flakyAi("3043: Internal server error"), RETRY_BASE_SECONDS: "10", RETRY_MAX_SECONDS: "600", STALLED_AFTER_SECONDS: "1800" };
    const delays: (number | undefined)[] = [];
    for (const attempts of [1, 3, 5, 9]) {
      const result = await deliver([message], { attempts, env: config });
      delays.push(result.delays.get(result.ids[0] ?? ""));
    }
    const [a1, a3, a5, a9] = delays;
    expect(a1).toBeGreaterThanOrEqual(5);
    expect(a1).toBeLessThanOrEqual(10);
    expect(a3).toBeGreaterThanOrEqual(20);
    expect(a3).toBeLessThanOrEqual(40);
    expect(a5).toBeGreaterThanOrEqual(80);
    expect(a5).toBeLessThanOrEqual(160);
    expect(a9).toBeGreaterThanOrEqual(300);
    expect(a9).toBeLessThanOrEqual(600);
  });

  it("waits longer when the daily Workers AI allocation is used up", async () => {
    const { message } = await seedDocument(uniqueTenant(), "Neurons run out.");
    const result = await deliver([message], {
      env: { AI: flakyAi("3036: You have used up your daily free allocation of 10,000 neurons."), RETRY_BASE_SECONDS: "10", RETRY_MAX_SECONDS: "7200", STALLED_AFTER_SECONDS: "86400" },
    });
    expect(result.delays.get(result.ids[0] ?? "")).toBe(3600);
  });

  it("treats a Workers AI call that never answers as a timeout and retries", async () => {
    const tenant = uniqueTenant();
    const { id, message } = await seedDocument(tenant, "Silence is not an answer.");
    const hangingAi = interceptedAi(() => new Promise(() => {}));
    const result = await deliver([message], { env: { AI: hangingAi, AI_TIMEOUT_MS: "50" } as Partial<ConsumerEnv> });
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(result.ids);
    expect((await getDocument(env.DB, tenant, id))?.lastError).toMatch(/^timeout: /);
  });
});

describe("permanent failures: failed with a code after exactly one attempt", () => {
  const cases: [string, () => Promise<{ bytes: Uint8Array | string; type: string; env?: Partial<ConsumerEnv> }>, string][] = [
    ["an encrypted PDF", async () => ({ bytes: await makeEncryptedPdf(["Top secret"]), type: "application/pdf" }), "pdf_encrypted"],
    ["an image-only PDF (a scan)", async () => ({ bytes: await makeImageOnlyPdf(2), type: "application/pdf" }), "pdf_no_text"],
    ["a truncated PDF", async () => ({ bytes: truncatePdf(await makePdf([["Half a file", "is no file"]]), 200), type: "application/pdf" }), "pdf_corrupt"],
    ["text stored as a PDF", async () => ({ bytes: "this is not a PDF at all", type: "application/pdf" }), "pdf_corrupt"],
    ["zero bytes", async () => ({ bytes: new Uint8Array(0), type: "text/plain" }), "document_empty"],
    ["whitespace and control characters only", async () => ({ bytes: " \n\t\u0001\u0002 \n", type: "text/plain" }), "document_empty"],
    ["bytes that are not UTF-8", async () => ({ bytes: new Uint8Array([0x66, 0xff, 0xfe, 0x6f]), type: "text/plain" }), "text_not_utf8"],
    [
      "a PDF over the page limit",
      async () => ({ bytes: await makePdf(Array.from({ length: 6 }, (_, i) => [`Page ${i + 1}`])), type: "application/pdf", env: { MAX_PAGES: "5" } }),
      "document_too_large",
    ],
    [
      "a text over the chunk limit",
      async () => ({ bytes: "A sentence that repeats. ".repeat(2000), type: "text/plain", env: { MAX_CHUNKS: "3" } }),
      "document_too_large",
    ],
  ];

  it.each(cases)("%s", async (_, make, code) => {
    const tenant = uniqueTenant();
    const fixture = await make();
    const { id, message } = await seedDocument(tenant, fixture.bytes, fixture.type);
    const result = await deliver([message], { env: fixture.env ?? {} });
    expect(result.explicitAcks).toEqual(result.ids);
    expect(result.retryMessages).toEqual([]);
    const doc = await getDocument(env.DB, tenant, id);
    expect(doc).toMatchObject({ status: "failed", attempts: 1, error: { code } });
    expect(doc?.error?.message.length).toBeGreaterThan(10);
    expect(doc?.error?.message).not.toMatch(/Exception|at \w+ \(|\.ts:/);
    // The first case loads pdf.js into the isolate (2 to 3 s idle, more on a busy machine).
  }, 30_000);
});

describe("hostile but valid documents end ready", () => {
  const cases: [string, () => Promise<{ bytes: Uint8Array | string; type: string }>][] = [
    ["Chinese and Japanese", async () => ({ bytes: "東京は日本の首都です。北京是中国的首都。".repeat(200), type: "text/plain" })],
    ["Arabic", async () => ({ bytes: "القاهرة هي عاصمة مصر. ".repeat(300), type: "text/markdown" })],
    ["control characters inside text", async () => ({ bytes: "Bell\u0007 and escape\u001b[31m codes\u0000 in\u000b a line.\r\nNext line.", type: "text/plain" })],
    ["a PDF with many pages", async () => ({ bytes: await makePdf(Array.from({ length: 120 }, (_, i) => [`Page ${i + 1} of the long report.`])), type: "application/pdf" })],
    ["one enormous line without spaces", async () => ({ bytes: "x".repeat(200_000), type: "text/plain" })],
  ];

  it.each(cases)("%s", async (_, make) => {
    const tenant = uniqueTenant();
    const fixture = await make();
    const { id, message } = await seedDocument(tenant, fixture.bytes, fixture.type);
    const result = await deliver([message]);
    expect(result.explicitAcks).toEqual(result.ids);
    const doc = await getDocument(env.DB, tenant, id);
    expect(doc?.status).toBe("ready");
    expect(doc?.chunks).toBeGreaterThan(0);
  });

  it("keeps page numbers for a 120-page PDF", async () => {
    const tenant = uniqueTenant();
    const pdf = await makePdf(Array.from({ length: 120 }, (_, i) => [`Page marker p${i + 1}x here.`]));
    const { id, message } = await seedDocument(tenant, pdf, "application/pdf");
    await deliver([message]);
    expect(await getDocument(env.DB, tenant, id)).toMatchObject({ status: "ready", pages: 120 });
    const row = await env.DB.prepare("SELECT page_start, page_end FROM chunks WHERE document_id = ? AND text LIKE '%p97x%'").bind(id).first<{ page_start: number; page_end: number }>();
    expect(row?.page_start).toBeLessThanOrEqual(97);
    expect(row?.page_end).toBeGreaterThanOrEqual(97);
  });
});
