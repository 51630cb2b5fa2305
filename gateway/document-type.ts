// Decides what an upload is from its bytes, using the declared type only to
// tell plain text from markdown. A client's Content-Type is a hint, not a fact.
import { err, ok, type Result } from "../shared/result";

export type AcceptedType = "application/pdf" | "text/plain" | "text/markdown";

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
// PDF readers accept the header anywhere in the first 1,024 bytes.
const PDF_HEADER_WINDOW = 1024;
const TEXT_TYPES: Record<string, AcceptedType> = {
  "text/plain": "text/plain",
  "text/markdown": "text/markdown",
  "text/x-markdown": "text/markdown",
};
const TEXT_EXTENSIONS: Record<string, AcceptedType> = { txt: "text/plain", text: "text/plain", md: "text/markdown", markdown: "text/markdown" };
const GENERIC_TYPES = new Set(["", "application/octet-stream"]);

export function detectDocumentType(bytes: Uint8Array, declaredType: string, filename: string | null): Result<AcceptedType, string> {
  const declaredText = TEXT_TYPES[declaredType];
  // Text that merely mentions "%PDF-" stays text; a real PDF starts with it.
  if (declaredText ? hasPdfHeader(bytes, PDF_MAGIC.length) : hasPdfHeader(bytes, PDF_HEADER_WINDOW)) return ok("application/pdf");
  if (declaredType === "application/pdf") return err("The body was declared application/pdf but is not a PDF.");
  const textType = declaredText ?? (GENERIC_TYPES.has(declaredType) ? extensionType(filename) : undefined);
  if (!textType) {
    return err(`Unsupported type ${declaredType || "(none)"}: send application/pdf, text/plain or text/markdown.`);
  }
  if (!isUtf8Text(bytes)) return err(`The body was declared ${textType} but is not UTF-8 text.`);
  return ok(textType);
}

/** "%PDF-" within the first `window` bytes. */
function hasPdfHeader(bytes: Uint8Array, window: number): boolean {
  const end = Math.min(bytes.length, window) - PDF_MAGIC.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < PDF_MAGIC.length; j++) if (bytes[i + j] !== PDF_MAGIC[j]) continue outer;
    return true;
  }
  return false;
}

function extensionType(filename: string | null): AcceptedType | undefined {
  const extension = filename?.match(/\.([A-Za-z0-9]+)$/)?.[1]?.toLowerCase();
  return extension ? TEXT_EXTENSIONS[extension] : undefined;
}

function isUtf8Text(bytes: Uint8Array): boolean {
  // NUL never occurs in text; its presence means a binary file.
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A filename safe to store and echo back: no path, no control characters, bounded length. */
export function cleanFilename(name: string | null, type: AcceptedType): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[\p{Cc}\p{Cf}]/gu, "").trim();
  // "." and ".." name directories, not files.
  if (cleaned && !/^\.+$/.test(cleaned)) return truncate(cleaned, MAX_FILENAME_LENGTH);
  return type === "application/pdf" ? "document.pdf" : type === "text/markdown" ? "document.md" : "document.txt";
}

const MAX_FILENAME_LENGTH = 255;
const MAX_EXTENSION_LENGTH = 16;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** At most `max` UTF-16 units, cut between whole characters (graphemes), keeping a short extension. */
function truncate(name: string, max: number): string {
  if (name.length <= max) return name;
  const extension = name.match(new RegExp(`\\.[^.\\s]{1,${MAX_EXTENSION_LENGTH}}$`))?.[0] ?? "";
  const stem = name.slice(0, name.length - extension.length);
  let kept = "";
  for (const { segment } of graphemes.segment(stem)) {
    if (kept.length + segment.length + extension.length > max) break;
    kept += segment;
  }
  return kept.trimEnd() + extension;
}
