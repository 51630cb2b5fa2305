import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../shared/token-estimate";
import { randomText, seeded } from "../fixtures/random-text";

const ENGLISH = `Retrieval-augmented generation combines a search step with a language model. When a user asks a question, the system first looks for passages in its own documents that are likely to contain the answer, and then asks the model to write a reply that relies on those passages. The quality of the answer depends heavily on how the documents were split into chunks before they were indexed. Chunks that are too small lose the context that makes a passage meaningful; chunks that are too large dilute the signal, because a single vector has to represent several unrelated ideas at once. Most teams settle on a few hundred tokens per chunk, with a small overlap between neighbours so that a sentence cut at a boundary can still be found.`;

describe("estimateTokens", () => {
  it.each([
    ["nothing", "", 0],
    ["whitespace", " \n\t ", 0],
    ["short words, one token each", "to be or not", 4],
    ["longer words, one token per four letters", "information retrieval", 6],
    ["punctuation, one token each", "Yes, no!", 4],
    ["CJK ideographs, one each", "你好世界", 4],
    ["kana, one each", "カタカナ", 4],
    ["Hangul syllables, three jamo each", "한국어", 9],
    ["Arabic letters, one each", "مرحبا", 5],
    ["emoji, one each", "😀🎉", 2],
    ["combining marks, none", "e\u0301\u0301", 1],
    ["accents, dropped by the uncased tokenizer", "café", 1],
  ])("counts %s", (_name, text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });

  // Lower bounds: what WordPiece with the bert-base-uncased vocabulary makes of
  // these, or for scripts that vocabulary barely covers, its worst case of one
  // token per character.
  it.each([
    ["an English sentence", "The quick brown fox jumps over the lazy dog.", 10],
    ["a URL", "https://example.com/a?b=1", 13],
    ["code", "const x = await fetch(url, { method: 'POST' });", 17],
    ["a sentence with numbers", "In 2024, revenue rose 3.5% to $1,200,000.", 17],
    ["a contraction", "don't", 3],
    ["Arabic", "مرحبا بالعالم، هذا نص عربي.", 23],
    ["Japanese", "東京は日本の首都です。", 11],
  ])("does not undercount %s", (_name, text, atLeast) => {
    expect(estimateTokens(text)).toBeGreaterThanOrEqual(atLeast);
  });

  // WordPiece cuts random strings into pieces of one or two characters.
  it.each([
    ["a SHA-256 in hex", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["base64", "SGVsbG8gV29ybGQhIFRoaXMgaXMgYmFzZTY0IGVuY29kZWQgdGV4dCB3aXRoIHNvbWUgbW9yZQ"],
    ["a UUID", "3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f"],
  ])("prices %s at three tokens per four characters or more", (_name, text) => {
    expect(estimateTokens(text)).toBeGreaterThanOrEqual(Math.ceil(text.length * 0.75));
  });

  it("is additive across whitespace, which the chunker relies on", () => {
    const random = seeded(3);
    for (let i = 0; i < 300; i++) {
      const a = randomText(random, 30).trim();
      const b = randomText(random, 30).trim();
      expect(estimateTokens(`${a} ${b}`)).toBe(estimateTokens(a) + estimateTokens(b));
      expect(estimateTokens(`${a}\n\n${b}`)).toBe(estimateTokens(a) + estimateTokens(b));
    }
  });

  it("never counts fewer tokens than words", () => {
    const random = seeded(5);
    for (let i = 0; i < 200; i++) {
      const text = randomText(random, 80);
      expect(estimateTokens(text)).toBeGreaterThanOrEqual(text.split(/\s+/).filter(Boolean).length);
    }
  });

  it("overcounts English prose by a margin, not by a multiple", () => {
    // WordPiece makes about 1.2 tokens per word of plain English.
    const words = ENGLISH.split(/\s+/).length;
    const perWord = estimateTokens(ENGLISH) / words;
    expect(perWord).toBeGreaterThan(1.2);
    expect(perWord).toBeLessThan(2);
  });
});
