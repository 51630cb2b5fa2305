import { describe, expect, it } from "vitest";
import { Boundary, splitUnits } from "../../shared/chunk-units";
import { estimateTokens } from "../../shared/token-estimate";

/** Each unit as [its text, the boundary before it]. */
const units = (text: string, maxTokens = 400) => splitUnits(text, maxTokens).map((u) => [text.slice(u.start, u.end), u.before]);

describe("splitUnits", () => {
  it("makes markdown headings units of their own and starts paragraphs after blank lines", () => {
    expect(units("# Title\nIntro line.\n\n## Part\n\nBody one.\n\nBody two.")).toEqual([
      ["# Title", Boundary.HEADING],
      ["Intro line.", Boundary.PARAGRAPH],
      ["## Part", Boundary.HEADING],
      ["Body one.", Boundary.PARAGRAPH],
      ["Body two.", Boundary.PARAGRAPH],
    ]);
  });

  it.each(["#hashtag at the start", "####### seven hashes", "C# is a language"])("does not take %j for a heading", (line) => {
    expect(units(line)).toEqual([[line, Boundary.PARAGRAPH]]);
  });

  it("does not take # lines inside ``` or ~~~ fences for headings", () => {
    const text = "```sh\n# install\nnpm i\n```\n# After\n~~~\n# also code\n~~~";
    expect(units(text).filter(([, before]) => before === Boundary.HEADING)).toEqual([["# After", Boundary.HEADING]]);
  });

  it("splits paragraphs into sentences, ignoring line breaks inside them", () => {
    expect(units("The first sentence\nwraps onto a second line. A second one! 東京です。大阪です。")).toEqual([
      ["The first sentence\nwraps onto a second line.", Boundary.PARAGRAPH],
      ["A second one!", Boundary.SENTENCE],
      ["東京です。", Boundary.SENTENCE],
      ["大阪です。", Boundary.SENTENCE],
    ]);
  });

  it("splits a sentence too long for a chunk into lines, then words, then windows", () => {
    const word = "x".repeat(100);
    const text = `alpha beta gamma delta\nepsilon ${word} zeta`;
    const result = splitUnits(text, 8);
    const pieces = result.map((u) => [text.slice(u.start, u.end), u.before] as const);
    expect(pieces.slice(0, 2)).toEqual([
      ["alpha beta gamma delta", Boundary.PARAGRAPH],
      ["epsilon", Boundary.LINE],
    ]);
    const windows = pieces.slice(2, -1);
    expect(windows.map(([piece]) => piece).join("")).toBe(word);
    expect(windows.map(([, before]) => before)).toEqual([Boundary.WORD, ...windows.slice(1).map(() => Boundary.CHAR)]);
    expect(pieces.at(-1)).toEqual(["zeta", Boundary.WORD]);
    for (const u of result) {
      expect(u.tokens).toBe(estimateTokens(text.slice(u.start, u.end)));
      expect(u.tokens).toBeLessThanOrEqual(8);
    }
    // Windows are as long as the budget allows, not one character each.
    expect(windows.length).toBeLessThan(8);
  });

  it("never cuts a surrogate pair", () => {
    // 👩‍💻 is five code units; the zero-width joiner costs nothing, so a window
    // cut by token count alone would end between the two halves of an emoji.
    const text = "👩\u200d💻".repeat(60);
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const maxTokens of [8, 9, 11, 13, 16]) {
      const result = splitUnits(text, maxTokens);
      expect(result.length).toBeGreaterThan(1);
      // Offsets, not text: a lone surrogate in a failure message breaks the test runner's transport.
      expect(result.filter((u) => loneSurrogate.test(text.slice(u.start, u.end))).map((u) => [u.start, u.end])).toEqual([]);
    }
  });
});
