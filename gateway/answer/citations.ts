// Checks an answer's [n] markers against the sources that were given: markers
// for sources that do not exist are dropped (a model may invent them), and
// what remains says which sources the answer actually cites.

export interface CheckedAnswer {
  text: string;
  /** Source numbers in the order the answer first cites them. */
  cited: number[];
}

// [1], [1, 2], [1,2,3]; also the full-width brackets some models emit.
const MARKER = /\s?[[［]\s*(\d+(?:\s*,\s*\d+)*)\s*[\]］]/g;

export function checkCitations(answer: string, sourceCount: number): CheckedAnswer {
  const cited: number[] = [];
  const text = answer.replace(MARKER, (marker: string, list: string) => {
    const valid = list
      .split(",")
      .map((n) => Number(n.trim()))
      .filter((n) => Number.isInteger(n) && n >= 1 && n <= sourceCount);
    for (const n of valid) if (!cited.includes(n)) cited.push(n);
    if (valid.length === 0) return "";
    const leading = marker.startsWith(" ") ? " " : "";
    return leading + valid.map((n) => `[${n}]`).join("");
  });
  return { text: text.trim(), cited };
}
