// Reads an upload from the request: a raw body with its Content-Type, or
// multipart/form-data with a `file` field. Size limits are enforced by the
// body-limit middleware before this runs; the file itself is checked again
// here because multipart framing adds bytes of its own.
import type { Context } from "hono";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

export interface Upload {
  bytes: Uint8Array;
  filename: string | null;
  declaredType: string;
}

export async function readUpload(c: Context<AppEnv>, maxBytes: number): Promise<Upload> {
  const contentType = c.req.header("Content-Type") ?? "";
  const upload = mediaType(contentType) === "multipart/form-data" ? await readMultipart(c) : await readRaw(c, contentType);
  if (upload.bytes.byteLength === 0) throw new ApiError("empty_document", "The uploaded document is empty.");
  if (upload.bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  return upload;
}

export function tooLarge(maxBytes: number): ApiError {
  return new ApiError("document_too_large", `Documents may be at most ${maxBytes} bytes.`);
}

async function readRaw(c: Context<AppEnv>, contentType: string): Promise<Upload> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const filename = c.req.query("filename") ?? dispositionFilename(c.req.header("Content-Disposition"));
  return { bytes, filename: filename ?? null, declaredType: mediaType(contentType) };
}

async function readMultipart(c: Context<AppEnv>): Promise<Upload> {
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw new ApiError("invalid_multipart", "The multipart body could not be parsed.");
  }
  // A text part named `file` (a form's empty field, say) is not the file; two files are ambiguous.
  const files = form.getAll("file").filter((part): part is File => typeof part !== "string");
  const [file] = files;
  if (!file) throw new ApiError("invalid_multipart", "The multipart body has no `file` field holding a file.");
  if (files.length > 1) throw new ApiError("invalid_multipart", "Send one file per request: the body has several `file` parts.");
  return {
    bytes: new Uint8Array(await file.arrayBuffer()),
    filename: c.req.query("filename") ?? (file.name || null),
    declaredType: mediaType(file.type),
  };
}

/** "text/plain; charset=utf-8" -> "text/plain" */
export function mediaType(header: string): string {
  return (header.split(";")[0] ?? "").trim().toLowerCase();
}

/** The filename of a Content-Disposition header; RFC 6266 `filename*` wins over `filename`. */
export function dispositionFilename(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const extended = header.match(/filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Malformed percent-encoding: fall through to the plain parameter.
    }
  }
  return header.match(/filename\s*=\s*"((?:[^"\\]|\\.)*)"/)?.[1]?.replace(/\\(.)/g, "$1") ?? header.match(/filename\s*=\s*([^;\s]+)/)?.[1];
}
