import { PDFDocument, StandardFonts } from "pdf-lib";
import { getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { extractPages, pdfFailure } from "../../ingest-consumer/extract";
import { makeEncryptedPdf, makeImageOnlyPdf, makePdf, truncatePdf } from "../fixtures/pdf";

// pdf.js loads on the first PDF of an isolate, which takes a few seconds.
const PDF_TIMEOUT = 30_000;
const utf8 = (s: string) => new TextEncoder().encode(s);

async function failureOf(bytes: Uint8Array, kind: "pdf" | "text", maxPages?: number) {
  const result = await extractPages(bytes, kind, maxPages === undefined ? undefined : { maxPages });
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe("extractPages: PDF", { timeout: PDF_TIMEOUT }, () => {
  it("returns each page's text under its page number", async () => {
    const pdf = await makePdf([["Quarterly report.", "Revenue grew   in every region."], ["The Lisbon office opened in March."], ["Appendix: no irregularities."]]);
    const result = await extractPages(pdf, "pdf");
    expect(result).toEqual({
      ok: true,
      value: [
        { page: 1, text: "Quarterly report.\nRevenue grew in every region." },
        { page: 2, text: "The Lisbon office opened in March." },
        { page: 3, text: "Appendix: no irregularities." },
      ],
    });
  });

  it("keeps blank pages as empty text so page numbers and the page count stay right", async () => {
    const result = await extractPages(await makePdf([["first"], [], ["third"], []]), "pdf");
    expect(result.ok && result.value).toEqual([
      { page: 1, text: "first" },
      { page: 2, text: "" },
      { page: 3, text: "third" },
      { page: 4, text: "" },
    ]);
  });

  it("leaves the caller's bytes usable", async () => {
    const pdf = await makePdf([["still here"]]);
    const before = pdf.slice();
    await extractPages(pdf, "pdf");
    expect(pdf).toEqual(before);
    expect((await extractPages(pdf, "pdf")).ok).toBe(true);
  });

  it("rejects a PDF with more pages than the limit before reading any text", async () => {
    const pdf = await makePdf([["one"], ["two"], ["three"]]);
    expect(await failureOf(pdf, "pdf", 2)).toMatchObject({ code: "document_too_large" });
    expect((await extractPages(pdf, "pdf", { maxPages: 3 })).ok).toBe(true);
  });

  it("reports a scan (pages without text) as pdf_no_text", async () => {
    expect(await failureOf(await makeImageOnlyPdf(2), "pdf")).toMatchObject({ code: "pdf_no_text" });
  });

  it("reports a password-protected PDF as pdf_encrypted", async () => {
    expect(await failureOf(await makeEncryptedPdf(["Top secret."]), "pdf")).toMatchObject({ code: "pdf_encrypted" });
  });

  it("reads a PDF that has only an owner password (permissions, no lock)", async () => {
    expect(await extractPages(await makeEncryptedPdf(["Open to all."], ""), "pdf")).toEqual({ ok: true, value: [{ page: 1, text: "Open to all." }] });
  });

  it("the encrypted fixture is real: it opens with its password and shows its text", async () => {
    const doc = await getDocumentProxy(await makeEncryptedPdf(["Top secret.", "Second (line)."], "s3cret"), { password: "s3cret" });
    const page = await doc.getPage(1);
    const text = (await page.getTextContent()).items.map((item) => ("str" in item ? item.str : "")).join(" ");
    await doc.destroy();
    expect(text).toContain("Top secret.");
    expect(text).toContain("Second (line).");
  });

  it.each([
    ["a truncated upload", async () => truncatePdf(await makePdf([["one"], ["two"], ["three"]]))],
    ["a PDF cut just before its end", async () => {
      const pdf = await makePdf([["one"], ["two"]]);
      return truncatePdf(pdf, pdf.length - 40);
    }],
    ["an empty file", async () => new Uint8Array()],
    ["text that is not a PDF", async () => utf8("Just some words, no PDF here.")],
    ["a PDF header and garbage", async () => utf8(`%PDF-1.7\n${"\u0001garbage ".repeat(50)}`)],
  ])("reports %s as pdf_corrupt", async (_name, make) => {
    expect(await failureOf(await make(), "pdf")).toMatchObject({ code: "pdf_corrupt" });
  });

  it("reports a PDF whose page tree points at the wrong objects as pdf_corrupt", async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (const text of ["one", "two"]) doc.addPage().drawText(text, { font });
    // Without object streams the page tree is plain text that can be damaged in place.
    const source = Array.from(await doc.save({ useObjectStreams: false }), (b) => String.fromCharCode(b)).join("");
    const broken = source.replace(/\/Kids \[[^\]]*\]/, (kids) => kids.replace(/\d+ 0 R/g, "1 0 R"));
    expect(broken).not.toBe(source);
    const bytes = Uint8Array.from(broken, (c) => c.charCodeAt(0));
    expect(await failureOf(bytes, "pdf")).toMatchObject({ code: "pdf_corrupt" });
  });

  it("gives messages fit for end users", async () => {
    const failures = [
      await failureOf(await makeEncryptedPdf(["x"]), "pdf"),
      await failureOf(truncatePdf(await makePdf([["x"]])), "pdf"),
      await failureOf(await makeImageOnlyPdf(), "pdf"),
      await failureOf(await makePdf([["x"], ["y"]]), "pdf", 1),
    ];
    for (const { message } of failures) {
      expect(message).toMatch(/^[A-Z].*\.$/);
      expect(message).not.toMatch(/exception|pdf\.js|unpdf|xref|stack|undefined/i);
    }
  });
});

describe("pdfFailure", () => {
  it.each([
    ["a password request", { name: "PasswordException", message: "No password given", code: 1 }, "pdf_encrypted"],
    ["an invalid file", { name: "InvalidPDFException", message: "Invalid PDF structure." }, "pdf_corrupt"],
    ["a parse error from the worker", { name: "UnknownErrorException", message: "Bad FCHECK", details: "FormatError: Bad FCHECK in flate stream" }, "pdf_corrupt"],
    ["a broken cross-reference table", { name: "UnknownErrorException", message: "x", details: "XRefParseException: x" }, "pdf_corrupt"],
  ])("maps %s to a failure of the file", (_name, error, code) => {
    expect(pdfFailure(error)?.code).toBe(code);
  });

  it.each([
    ["a bug inside pdf.js", { name: "UnknownErrorException", message: "x is not a function", details: "TypeError: x is not a function" }],
    ["an ordinary error", new TypeError("Cannot read properties of undefined")],
    ["a cancelled load", { name: "AbortException", message: "Worker was destroyed" }],
    ["something that is not an error", "boom"],
  ])("leaves %s to the caller, which retries", (_name, error) => {
    expect(pdfFailure(error)).toBeUndefined();
  });
});

describe("extractPages: text", () => {
  it("returns one normalised page", async () => {
    expect(await extractPages(utf8("# Title\r\n\r\n\r\n\r\nBody\t text  \r\n"), "text")).toEqual({ ok: true, value: [{ page: 1, text: "# Title\n\nBody text" }] });
  });

  it("drops a UTF-8 byte order mark", async () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("café")]);
    expect(await extractPages(withBom, "text")).toEqual({ ok: true, value: [{ page: 1, text: "café" }] });
  });

  it("keeps non-Latin text intact", async () => {
    const text = "東京は日本の首都です。 مرحبا بالعالم 한국어 😀";
    expect(await extractPages(utf8(text), "text")).toEqual({ ok: true, value: [{ page: 1, text }] });
  });

  it.each([
    ["Latin-1", new Uint8Array([0x63, 0x61, 0x66, 0xe9])],
    ["UTF-16 with a BOM", new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00])],
    ["a truncated multi-byte sequence", new Uint8Array([...utf8("ok "), 0xe2, 0x82])],
    ["binary", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x80])],
  ])("rejects %s as text_not_utf8", async (_name, bytes) => {
    const failure = await failureOf(bytes, "text");
    expect(failure.code).toBe("text_not_utf8");
    expect(failure.message).toMatch(/UTF-8/);
  });

  it.each([
    ["nothing", ""],
    ["whitespace", " \r\n\t\u00a0\n\n  "],
    ["control characters", "\u0000\u0001\u001b\u007f\ufeff\ufffd"],
  ])("reports %s as document_empty", async (_name, text) => {
    expect(await failureOf(utf8(text), "text")).toMatchObject({ code: "document_empty" });
  });
});
