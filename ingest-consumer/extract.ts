// Uploaded bytes -> normalised text per page. What is wrong with the document
// itself comes back as an ExtractFailure (permanent: retrying cannot help);
// anything else is thrown and treated as transient by the caller.
import { getResolvedPDFJS } from "unpdf";
import { type Result, err, ok } from "../shared/result";
import { type PageText, normaliseText } from "../shared/text";
import { yieldToEventLoop } from "./yield-to-loop";

export type DocumentKind = "pdf" | "text";

export type ExtractFailureCode = "pdf_encrypted" | "pdf_corrupt" | "pdf_no_text" | "document_empty" | "document_too_large" | "text_not_utf8";
export type ExtractFailure = { code: ExtractFailureCode; message: string };

export interface ExtractLimits {
  maxPages: number;
}

export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({ maxPages: 2000 });

const failure = (code: ExtractFailureCode, message: string): Result<never, ExtractFailure> => err({ code, message });

/**
 * Every page of the document in order, text normalised with normaliseText; a
 * page without text has `text: ""`, so the last entry is the page count.
 * Plain text and markdown are one page. `bytes` is left untouched.
 */
export async function extractPages(bytes: Uint8Array, kind: DocumentKind, limits?: Partial<ExtractLimits>): Promise<Result<PageText[], ExtractFailure>> {
  if (kind === "text") return extractText(bytes);
  return extractPdf(bytes, limits?.maxPages ?? DEFAULT_EXTRACT_LIMITS.maxPages);
}

function extractText(bytes: Uint8Array): Result<PageText[], ExtractFailure> {
  let raw: string;
  try {
    // ignoreBOM: false means "consume it": a leading BOM is not part of the text.
    raw = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return failure("text_not_utf8", "The file is not valid UTF-8 text. Save it as UTF-8 and upload it again.");
  }
  const text = normaliseText(raw);
  if (text === "") return failure("document_empty", "The document contains no text.");
  return ok([{ page: 1, text }]);
}

async function extractPdf(bytes: Uint8Array, maxPages: number): Promise<Result<PageText[], ExtractFailure>> {
  const { getDocument } = await getResolvedPDFJS();
  // unpdf's getDocumentProxy would lose the loading task, and with it the only
  // way to release a document that failed to open (a locked one, say), which
  // otherwise stays in memory for the isolate's lifetime. Same defaults as
  // getDocumentProxy: no eval() of font programs. pdf.js detaches the buffer
  // it is given, hence the copy. Verbosity 0 keeps its warnings about damage it
  // recovered from out of the logs: nothing can be done about them.
  const task = getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: true, verbosity: 0 });
  try {
    const pdf = await task.promise;
    if (pdf.numPages > maxPages) {
      return failure("document_too_large", `The PDF has ${pdf.numPages} pages; at most ${maxPages} can be processed.`);
    }
    const pages: PageText[] = [];
    // One page at a time, releasing each: a 2,000-page PDF must fit in 128 MB.
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      const raw = content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join("");
      pages.push({ page: number, text: normaliseText(raw) });
      page.cleanup();
      // pdf.js works in promises that never leave the process: see yield-to-loop.ts.
      await yieldToEventLoop();
    }
    if (pages.every((p) => p.text === "")) {
      return failure("pdf_no_text", "The PDF has no extractable text; it may be scanned images. Run it through OCR and upload it again.");
    }
    return ok(pages);
  } catch (error) {
    const known = pdfFailure(error);
    if (known) return err(known);
    throw error;
  } finally {
    await task.destroy();
  }
}

// pdf.js's own exception classes for malformed files. Errors cross its worker
// boundary as copies, so they are recognised by name, not with instanceof;
// parse errors arrive as UnknownErrorException carrying the original name in `details`.
const MALFORMED = /^(FormatError|XRefParseException|XRefEntryException|ParserEOFException|MissingDataException)\b/;

/** What a pdf.js error says about the file, or undefined when it is not the file's fault. */
export function pdfFailure(error: unknown): ExtractFailure | undefined {
  const name = error instanceof Object && "name" in error ? String(error.name) : "";
  const details = error instanceof Object && "details" in error ? String(error.details) : "";
  if (name === "PasswordException") {
    return { code: "pdf_encrypted", message: "The PDF is password-protected. Remove the password and upload it again." };
  }
  if (name === "InvalidPDFException" || (name === "UnknownErrorException" && MALFORMED.test(details))) {
    return { code: "pdf_corrupt", message: "The PDF is damaged or not a PDF, and could not be read." };
  }
  return undefined;
}
