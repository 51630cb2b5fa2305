import { describe, expect, it } from "vitest";
import { type Chunk, type ChunkingOptions, DEFAULT_CHUNKING, chunkDocument, estimateTokens, type PageText } from "../../shared/chunking";
import { joinPages, pageAt } from "../../shared/text";
import { prose, randomText, seeded } from "../fixtures/random-text";

const onePage = (text: string): PageText[] => [{ page: 1, text }];

/** Everything chunkDocument promises, as a list of broken promises (empty when all hold). */
function violations(pages: PageText[], chunks: Chunk[], options: ChunkingOptions = DEFAULT_CHUNKING): string[] {
  const joined = joinPages(pages);
  const problems: string[] = [];
  const fail = (i: number, what: string) => problems.push(`chunk ${i}: ${what}`);
  let covered = 0;
  chunks.forEach((c, i) => {
    if (c.index !== i) fail(i, `index ${c.index}`);
    if (c.text !== joined.text.slice(c.charStart, c.charEnd)) fail(i, "text is not the slice of the joined text");
    if (c.text.trim() !== c.text || c.text === "") fail(i, "empty or untrimmed");
    if (c.tokens !== estimateTokens(c.text)) fail(i, `tokens ${c.tokens} != estimate ${estimateTokens(c.text)}`);
    if (c.tokens > options.maxTokens) fail(i, `${c.tokens} tokens > ${options.maxTokens}`);
    if (c.pageStart !== pageAt(joined, c.charStart) || c.pageEnd !== pageAt(joined, c.charEnd - 1)) fail(i, `pages ${c.pageStart}-${c.pageEnd}`);
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(c.text)) fail(i, "splits a surrogate pair");
    const previous = chunks[i - 1];
    if (previous && (c.charStart <= previous.charStart || c.charEnd <= previous.charEnd)) fail(i, "does not move forward");
    if (joined.text.slice(covered, c.charStart).trim() !== "") fail(i, `text before it was left out: ${JSON.stringify(joined.text.slice(covered, c.charStart).slice(0, 80))}`);
    covered = Math.max(covered, c.charEnd);
  });
  if (joined.text.slice(covered).trim() !== "") problems.push("text after the last chunk was left out");
  return problems;
}

function chunkAndCheck(pages: PageText[], options: ChunkingOptions = DEFAULT_CHUNKING): Chunk[] {
  const chunks = chunkDocument(pages, options);
  expect(violations(pages, chunks, options)).toEqual([]);
  return chunks;
}

/** "## Section n" and a paragraph of at least `tokens` tokens. */
function section(n: number, tokens: number, seed: number): string {
  const random = seeded(seed);
  let body = prose(random, 1);
  while (estimateTokens(body) < tokens) body += ` ${prose(random, 1)}`;
  return `## Section ${n}\n\n${body}`;
}

describe("chunkDocument keeps its promises", () => {
  it("returns no chunks for a document without text", () => {
    expect(chunkDocument([])).toEqual([]);
    expect(chunkDocument([{ page: 1, text: " \n\n\t" }, { page: 2, text: "" }])).toEqual([]);
  });

  it("makes one chunk of a short document", () => {
    expect(chunkDocument(onePage("  Hello\r\nworld.  "))).toEqual([
      { index: 0, text: "Hello\nworld.", charStart: 0, charEnd: 12, pageStart: 1, pageEnd: 1, tokens: estimateTokens("Hello\nworld.") },
    ]);
  });

  it.each([
    [DEFAULT_CHUNKING],
    [{ maxTokens: 128, overlapTokens: 32 }],
    [{ maxTokens: 64, overlapTokens: 0 }],
    [{ maxTokens: 16, overlapTokens: 8 }],
  ])("on 150 random documents with %o", (options) => {
    const random = seeded(options.maxTokens);
    for (let i = 0; i < 150; i++) {
      const pages = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, p) => ({ page: p + 1, text: randomText(random, Math.floor(random() * 1500), { raw: true }) }));
      expect(violations(pages, chunkDocument(pages, options), options), `document ${i}`).toEqual([]);
    }
  });

  it.each([
    ["a paragraph of 20,000 words without punctuation", () => Array.from({ length: 20_000 }, (_, i) => ["alpha", "beta", "gamma", "delta"][i % 4]).join(" ")],
    ["60,000 CJK characters without spaces", () => "人工知能は急速に発展している東京".repeat(4000)],
    ["Arabic prose", () => "مرحبا بالعالم، هذا نص عربي طويل جدا. ".repeat(3000)],
    ["Korean prose", () => "한국어 문장은 이렇게 씁니다. ".repeat(3000)],
    ["a 5,000-character base64 line among prose", () => `${prose(seeded(1), 20)}\n${"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkwYWJjZGVm".repeat(100)}\n${prose(seeded(2), 20)}`],
    ["a code file", () => Array.from({ length: 3000 }, (_, i) => `  const value${i} = await fetch(\`https://api.example.com/v1/items/${i}?q=\${encodeURIComponent(query)}\`);`).join("\n")],
    ["emoji without spaces", () => "😀🎉👩‍💻🇵🇹".repeat(3000)],
    ["a single 100,000-letter word", () => "a".repeat(100_000)],
  ])("on %s", (_name, make) => {
    const chunks = chunkAndCheck(onePage(make()));
    expect(chunks.length).toBeGreaterThan(1);
  });

  // Speed is measured by bench/chunking.bench.ts; these check that big inputs stay correct.
  it("on 1 MB of mixed text", () => {
    const text = randomText(seeded(42), 170_000);
    expect(text.length).toBeGreaterThan(1_000_000);
    const chunks = chunkDocument(onePage(text));
    expect(violations(onePage(text), chunks)).toEqual([]);
  });

  it("on 2 MB of prose over 70 pages, packing chunks near the budget", () => {
    const pages = Array.from({ length: 70 }, (_, i) => ({ page: i + 1, text: prose(seeded(i), 300) }));
    expect(joinPages(pages).text.length).toBeGreaterThan(2_000_000);
    const chunks = chunkDocument(pages);
    expect(violations(pages, chunks)).toEqual([]);
    const mean = chunks.reduce((n, c) => n + c.tokens, 0) / chunks.length;
    expect(mean).toBeGreaterThan(300);
  });

  it("is deterministic", () => {
    const pages = [{ page: 1, text: randomText(seeded(5), 5000) }, { page: 2, text: randomText(seeded(6), 5000) }];
    expect(chunkDocument(pages)).toEqual(chunkDocument(structuredClone(pages)));
  });

  it("rejects impossible options", () => {
    expect(() => chunkDocument(onePage("x"), { maxTokens: 4 })).toThrow(RangeError);
    expect(() => chunkDocument(onePage("x"), { maxTokens: 100.5 })).toThrow(RangeError);
    expect(() => chunkDocument(onePage("x"), { maxTokens: 100, overlapTokens: 51 })).toThrow(RangeError);
    expect(() => chunkDocument(onePage("x"), { overlapTokens: -1 })).toThrow(RangeError);
  });
});

describe("chunkDocument follows the document's structure", () => {
  it("starts a chunk at each heading whose section would not fit", () => {
    // Each section is 250-310 tokens: one fits in a chunk, two never do.
    const text = Array.from({ length: 8 }, (_, i) => section(i + 1, 250, i)).join("\n\n");
    const chunks = chunkAndCheck(onePage(text));
    expect(chunks.map((c) => c.text.split("\n")[0])).toEqual(Array.from({ length: 8 }, (_, i) => `## Section ${i + 1}`));
    expect(chunks.every((c) => c.tokens > 150)).toBe(true);
  });

  it("keeps small sections together rather than making tiny chunks", () => {
    const text = Array.from({ length: 20 }, (_, i) => section(i + 1, 30, i)).join("\n\n");
    const chunks = chunkAndCheck(onePage(text));
    expect(chunks.length).toBeLessThan(10);
    expect(chunks.every((c) => c.text.startsWith("## Section"))).toBe(true);
  });

  it("never ends a chunk with a heading", () => {
    const random = seeded(8);
    for (let doc = 0; doc < 30; doc++) {
      const text = Array.from({ length: 10 }, (_, i) => section(i + 1, Math.floor(random() * 700), doc * 10 + i)).join("\n\n");
      for (const c of chunkAndCheck(onePage(text))) expect(c.text.split("\n").at(-1)).not.toMatch(/^#/);
    }
  });

  it("prefers to end chunks at paragraph ends", () => {
    // Paragraphs of about 110 tokens: a chunk holds three, and ends where one does.
    const text = Array.from({ length: 30 }, (_, i) => prose(seeded(100 + i), 6)).join("\n\n");
    const joined = joinPages(onePage(text)).text;
    const chunks = chunkAndCheck(onePage(text));
    const atParagraphEnd = chunks.filter((c) => c.charEnd === joined.length || joined.startsWith("\n\n", c.charEnd));
    expect(atParagraphEnd.length).toBe(chunks.length);
  });

  it("cuts a sentence too long for a chunk between words", () => {
    const text = Array.from({ length: 5000 }, (_, i) => `word${i % 10 === 0 ? "s" : ""}`).join(" ");
    for (const c of chunkAndCheck(onePage(text))) {
      expect(c.charStart === 0 || text[c.charStart - 1] === " ").toBe(true);
      expect(c.charEnd === text.length || text[c.charEnd] === " ").toBe(true);
    }
  });

  it("splits PDF-style paragraphs (a line break on every line) into sentences, not lines", () => {
    const lines = prose(seeded(4), 80).match(/.{1,70}(\s|$)/g) ?? [];
    const chunks = chunkAndCheck(onePage(lines.join("\n")));
    for (const c of chunks) expect(c.text).toMatch(/\.$/);
  });
});

describe("chunkDocument overlaps consecutive chunks", () => {
  // Sentences of at most 8 words (about 20 tokens): the last two or three fit in the overlap.
  const text = prose(seeded(21), 500, 4, 8);

  it("repeats the last sentences of a chunk at the start of the next, up to overlapTokens", () => {
    const chunks = chunkAndCheck(onePage(text));
    expect(chunks.length).toBeGreaterThan(5);
    for (let i = 1; i < chunks.length; i++) {
      const [previous, current] = [chunks[i - 1], chunks[i]];
      if (!previous || !current) throw new Error("unreachable");
      expect(current.charStart).toBeLessThan(previous.charEnd);
      const overlap = text.slice(current.charStart, previous.charEnd);
      expect(previous.text.endsWith(overlap)).toBe(true);
      expect(estimateTokens(overlap)).toBeLessThanOrEqual(DEFAULT_CHUNKING.overlapTokens);
      // It starts where a sentence does.
      expect(text.slice(current.charStart - 2, current.charStart)).toBe(". ");
    }
  });

  it("does not overlap when overlapTokens is 0", () => {
    const chunks = chunkAndCheck(onePage(text), { maxTokens: 400, overlapTokens: 0 });
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]?.charStart).toBeGreaterThan(chunks[i - 1]?.charEnd ?? 0);
  });

  it("does not carry the end of one section into a chunk that starts at a heading", () => {
    const doc = Array.from({ length: 6 }, (_, i) => section(i + 1, 250, i)).join("\n\n");
    const chunks = chunkAndCheck(onePage(doc));
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]?.charStart).toBeGreaterThan(chunks[i - 1]?.charEnd ?? 0);
  });
});

describe("chunkDocument maps chunks to pages", () => {
  it("gives each chunk the pages its text comes from, across page breaks and blank pages", () => {
    const pages = [
      { page: 1, text: prose(seeded(1), 30) },
      { page: 2, text: "" },
      { page: 3, text: prose(seeded(3), 5) },
      { page: 4, text: prose(seeded(4), 30) },
    ];
    const chunks = chunkAndCheck(pages);
    const joined = joinPages(pages);
    for (const c of chunks) {
      const touched = joined.pageNumbers.filter((page, i) => {
        const start = joined.pageStarts[i] ?? 0;
        const end = (joined.pageStarts[i + 1] ?? Number.POSITIVE_INFINITY) - 2;
        return c.charStart < end && c.charEnd > start;
      });
      expect([c.pageStart, c.pageEnd]).toEqual([touched[0], touched.at(-1)]);
      expect(c.pageStart === 2 || c.pageEnd === 2).toBe(false);
    }
    expect(chunks.some((c) => c.pageStart < c.pageEnd)).toBe(true);
    expect(chunks[0]?.pageStart).toBe(1);
    expect(chunks.at(-1)?.pageEnd).toBe(4);
  });
});
