// Text as the rest of the pipeline sees it: one canonical form for what is
// embedded, indexed and shown, and the page map of a multi-page document.
import { runSteps, type SliceBudget, type Steps, unlimited } from "./cooperative";

/** The text of one page; `page` is 1-based. Plain text and markdown are one page. */
export interface PageText {
  page: number;
  text: string;
}

/**
 * Pages joined with a blank line between them, so a page break is also a
 * paragraph break. `pageStarts[i]` is where `pageNumbers[i]` begins in `text`;
 * pages with no text have no entry, so the two arrays only list pages that do.
 */
export interface JoinedPages {
  text: string;
  pageStarts: number[];
  pageNumbers: number[];
}

export const PAGE_SEPARATOR = "\n\n";

// Lone surrogates cannot be encoded as UTF-8: D1 and the embedding API would
// silently turn them into U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Invisible characters that carry no words: C0/C1 controls (tab and newline are
// handled as whitespace), the BOM, soft hyphens (PDF hyphenation points, which
// would split words for FTS5), bidi marks and overrides (also a way to hide
// text from a human reviewer), and U+FFFD. U+FFFD only marks text that was
// already lost; the BERT tokenizer behind bge drops it too, so keeping it would
// only cost tokens and put noise in the FTS index.
const INVISIBLE = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\u00AD\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF\uFFFD]/g;
// Every whitespace character but the newline: tabs, NBSP, the Unicode spaces.
const HORIZONTAL_SPACE = /[^\S\n]+/g;

/** The canonical form of extracted text; idempotent. */
export function normaliseText(raw: string): string {
  return raw
    .replace(LONE_SURROGATE, "")
    .replace(/\r\n?|[\u000B\u0085\u2028]/g, "\n")
    .replace(/[\u000C\u2029]/g, "\n\n")
    .replace(INVISIBLE, "")
    .normalize("NFC")
    .replace(HORIZONTAL_SPACE, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Joins the pages' texts, normalised here so the offsets are right whoever
 * called (normaliseText is idempotent); see {@link JoinedPages}. Pages must
 * come in ascending order.
 */
export function joinPages(pages: readonly PageText[]): JoinedPages {
  return runSteps(joinPageSteps(pages, unlimited()));
}

/** joinPages as {@link Steps}: yields between pages each time `budget` has been spent on their text. */
export function* joinPageSteps(pages: readonly PageText[], budget: SliceBudget): Steps<JoinedPages> {
  const parts: string[] = [];
  const pageStarts: number[] = [];
  const pageNumbers: number[] = [];
  let length = 0;
  let previous = 0;
  for (const { page, text } of pages) {
    if (!Number.isInteger(page) || page <= previous) throw new RangeError(`pages must be ascending 1-based integers, got ${page} after ${previous}`);
    previous = page;
    const normalised = normaliseText(text);
    if (budget.spend(text.length)) yield;
    if (normalised === "") continue;
    if (parts.length > 0) {
      parts.push(PAGE_SEPARATOR);
      length += PAGE_SEPARATOR.length;
    }
    pageStarts.push(length);
    pageNumbers.push(page);
    parts.push(normalised);
    length += normalised.length;
  }
  return { text: parts.join(""), pageStarts, pageNumbers };
}

/**
 * The page that holds `offset` of the joined text. A separator belongs to the
 * page before it. Returns 0 only when no page has text.
 */
export function pageAt(joined: Pick<JoinedPages, "pageStarts" | "pageNumbers">, offset: number): number {
  const { pageStarts, pageNumbers } = joined;
  let lo = 0;
  let hi = pageStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((pageStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return pageNumbers[lo] ?? 0;
}
