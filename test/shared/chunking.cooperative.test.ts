import { describe, expect, it } from "vitest";
import { chunkDocument, chunkDocumentCooperatively, type PageText } from "../../shared/chunking";
import { joinPages } from "../../shared/text";
import { prose, randomText, seeded } from "../fixtures/random-text";

/** A pause that only counts how often the chunker gave the thread back. */
function countingPause(): { pause: () => Promise<void>; count: () => number } {
  let pauses = 0;
  return {
    pause: async () => {
      pauses++;
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    count: () => pauses,
  };
}

/** A report-like document: pages of headed sections of prose, with raw mixed-script text between. */
function manyPages(count: number): PageText[] {
  return Array.from({ length: count }, (_, i) => {
    const random = seeded(1000 + i);
    return { page: i + 1, text: `## Part ${i}\n\n${prose(random, 12)}\n\n${randomText(random, 300, { raw: i % 3 === 0 })}\n\n${prose(random, 8)}` };
  });
}

const SLICE = 16_000;

describe("chunkDocumentCooperatively", () => {
  const pages = manyPages(150);
  const length = joinPages(pages).text.length;

  it("gives exactly the chunks chunkDocument gives, on a large document", async () => {
    expect(length).toBeGreaterThan(500_000);
    const expected = chunkDocument(pages);
    expect(expected.length).toBeGreaterThan(300);
    for (const sliceChars of [SLICE, 1, undefined]) {
      expect(await chunkDocumentCooperatively(pages, { pause: countingPause().pause, sliceChars })).toEqual(expected);
    }
    const options = { maxTokens: 120, overlapTokens: 30 };
    expect(await chunkDocumentCooperatively(pages, { ...options, pause: countingPause().pause, sliceChars: SLICE })).toEqual(chunkDocument(pages, options));
  });

  it("pauses after every slice of each stage: joining pages, splitting sentences, packing chunks", async () => {
    const { pause, count } = countingPause();
    await chunkDocumentCooperatively(pages, { pause, sliceChars: SLICE });
    // A slice ends once it has spent SLICE characters; the step that crosses the
    // line (a page, a sentence or a chunk here is under SLICE / 4) can overshoot it.
    const perStage = Math.floor(length / (SLICE * 1.25)) - 1;
    expect(count()).toBeGreaterThanOrEqual(3 * perStage);
  });

  it("pauses inside one enormous paragraph, as a text file without blank lines is", async () => {
    const paragraph = prose(seeded(7), 4000);
    const { pause, count } = countingPause();
    const chunks = await chunkDocumentCooperatively([{ page: 1, text: paragraph }], { pause, sliceChars: SLICE });
    expect(chunks).toEqual(chunkDocument([{ page: 1, text: paragraph }]));
    // One page and one block: only splitting sentences and packing chunks can pause.
    expect(count()).toBeGreaterThanOrEqual(2 * (Math.floor(paragraph.length / (SLICE * 1.25)) - 1));
  });

  it("refuses the same options chunkDocument refuses, and a slice of no size", async () => {
    const { pause } = countingPause();
    await expect(chunkDocumentCooperatively(pages, { pause, maxTokens: 4 })).rejects.toThrow(RangeError);
    await expect(chunkDocumentCooperatively(pages, { pause, sliceChars: 0 })).rejects.toThrow(RangeError);
  });
});
