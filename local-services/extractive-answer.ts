// The local "language model": it answers a grounded prompt by quoting the
// 1-3 source sentences that share the most content words with the question,
// each cited as [n]. It cannot follow instructions, so text inside a source
// only reaches the answer by being the best match for the question.
import { contentWords } from "./content-words";
import { parseGroundedPrompt, type Source } from "./grounded-prompt";

export const NO_ANSWER = "The provided documents do not contain this information.";

const MAX_SENTENCES = 3;
// A sentence joins the best one only if it shares at least this share of the best one's words.
const RELATIVE_MINIMUM = 0.5;
// Words that ask rather than say what is asked about.
const ASKING = new Set(["tell", "explain", "describe", "please", "many", "much", "mean", "know"]);

interface Candidate {
  sentence: string;
  n: string;
  shared: number;
  length: number;
  order: number;
}

export function extractiveAnswer(message: string): string {
  const { sources, question } = parseGroundedPrompt(message);
  const asked = new Set(contentWords(question).filter((word) => !ASKING.has(word)));
  const candidates = sentencesOf(sources)
    .map((candidate) => {
      const words = new Set(contentWords(candidate.sentence));
      return { ...candidate, shared: [...asked].filter((word) => words.has(word)).length, length: words.size };
    })
    .filter((candidate) => candidate.shared > 0)
    // Most shared words first; among equals the tighter sentence, then document order.
    .sort((a, b) => b.shared - a.shared || a.length - b.length || a.order - b.order);
  const best = candidates[0];
  if (!best) return NO_ANSWER;
  const picked: Candidate[] = [];
  for (const candidate of candidates) {
    if (picked.length === MAX_SENTENCES || candidate.shared < best.shared * RELATIVE_MINIMUM) break;
    // The same sentence in two sources (a repeated boilerplate line) is quoted once.
    if (!picked.some((p) => key(p.sentence) === key(candidate.sentence))) picked.push(candidate);
  }
  return picked.map(({ sentence, n }) => cite(sentence, n)).join(" ");
}

function sentencesOf(sources: readonly Source[]): Omit<Candidate, "shared" | "length">[] {
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  let order = 0;
  // Lines first: headings and list items end without a full stop but are sentences of their own.
  return sources.flatMap(({ text, n }) =>
    text.split(/\n+/).flatMap((line) =>
      Array.from(segmenter.segment(line), ({ segment }) => segment.trim())
        .filter((sentence) => sentence !== "")
        .map((sentence) => ({ sentence, n, order: order++ })),
    ),
  );
}

/** "Tea is green." -> "Tea is green [1]." */
function cite(sentence: string, n: string): string {
  const ending = /[.!?。！？]+["'”’)\]]*$/u.exec(sentence);
  if (!ending) return `${sentence} [${n}].`;
  return `${sentence.slice(0, ending.index).trimEnd()} [${n}]${ending[0]}`;
}

function key(sentence: string): string {
  return sentence.toLowerCase().replace(/\s+/g, " ");
}
