import { describe, expect, it } from "vitest";
import { joinPages, normaliseText, pageAt } from "../../shared/text";
import { randomText, seeded } from "../fixtures/random-text";

describe("normaliseText", () => {
  it.each([
    ["CRLF and CR line ends", "a\r\nb\rc", "a\nb\nc"],
    ["tabs, runs of spaces and Unicode spaces", "a\t\tb   c\u00a0\u2003d\u3000e", "a b c d e"],
    ["spaces at either end of a line", "  one  \n\t two \t\nthree", "one\ntwo\nthree"],
    ["three or more line breaks", "a\n\n\n\nb\n \n \n\nc", "a\n\nb\n\nc"],
    ["surrounding whitespace", "\n\n  text \n\n", "text"],
    ["control characters", "a\u0000b\u0007c\u001bd\u007fe\u0090f", "abcdef"],
    ["the BOM, soft hyphens and U+FFFD", "\ufeffinfor\u00admation \ufffd\ufffdlost", "information lost"],
    ["bidi overrides and marks", "abc\u202edef\u202c \u200fghi", "abcdef ghi"],
    ["a form feed as a paragraph break", "page one\fpage two", "page one\n\npage two"],
    ["Unicode line and paragraph separators", "a\u2028b\u2029c\u0085d\u000be", "a\nb\n\nc\nd\ne"],
    ["decomposed accents to NFC", "cafe\u0301 A\u030angstro\u0308m", "caf\u00e9 \u00c5ngstr\u00f6m"],
    ["lone surrogates", "a\ud800b\udc00c", "abc"],
  ])("normalises %s", (_name, raw, expected) => {
    expect(normaliseText(raw)).toBe(expected);
  });

  it("keeps what carries meaning: emoji, CJK, Arabic, Hangul, ZWJ sequences, markdown", () => {
    const text = "# Title\n\n- item 😀 👩\u200d💻\n東京 مرحبا 한국어\n\n```js\nx = 1;\n```";
    expect(normaliseText(text)).toBe(text);
  });

  it("is idempotent", () => {
    const random = seeded(7);
    for (let i = 0; i < 300; i++) {
      const once = normaliseText(randomText(random, 200, { raw: true }));
      expect(normaliseText(once)).toBe(once);
    }
  });
});

describe("joinPages", () => {
  it("joins normalised pages with a blank line and records where each starts", () => {
    const joined = joinPages([
      { page: 1, text: "First  page\r\n" },
      { page: 2, text: "Second page" },
    ]);
    expect(joined).toEqual({ text: "First page\n\nSecond page", pageStarts: [0, 12], pageNumbers: [1, 2] });
  });

  it("skips pages without text but keeps the numbers of the others", () => {
    const joined = joinPages([
      { page: 1, text: " \n " },
      { page: 2, text: "two" },
      { page: 3, text: "" },
      { page: 5, text: "five" },
    ]);
    expect(joined).toEqual({ text: "two\n\nfive", pageStarts: [0, 5], pageNumbers: [2, 5] });
  });

  it("every page's text sits at its start offset", () => {
    const random = seeded(11);
    const pages = Array.from({ length: 40 }, (_, i) => ({ page: i + 1, text: randomText(random, 120, { raw: true }) }));
    const joined = joinPages(pages);
    joined.pageNumbers.forEach((page, i) => {
      const text = normaliseText(pages[page - 1]?.text ?? "");
      expect(joined.text.startsWith(text, joined.pageStarts[i])).toBe(true);
    });
  });

  it("rejects pages out of order", () => {
    expect(() => joinPages([{ page: 2, text: "b" }, { page: 1, text: "a" }])).toThrow(RangeError);
    expect(() => joinPages([{ page: 0, text: "a" }])).toThrow(RangeError);
  });
});

describe("pageAt", () => {
  const joined = joinPages([
    { page: 1, text: "aaaa" },
    { page: 2, text: "" },
    { page: 3, text: "cc" },
    { page: 4, text: "dddd" },
  ]);

  it.each([
    [0, 1],
    [3, 1],
    [4, 1], // the separator belongs to the page before it
    [5, 1],
    [6, 3],
    [7, 3],
    [10, 4],
    [13, 4],
    [999, 4],
  ])("offset %i is on page %i", (offset, page) => {
    expect(joined.text).toBe("aaaa\n\ncc\n\ndddd");
    expect(pageAt(joined, offset)).toBe(page);
  });

  it("is 0 when no page has text", () => {
    expect(pageAt(joinPages([{ page: 1, text: "  " }]), 0)).toBe(0);
  });
});
