// Reads the gateway's grounded prompt (the last user message):
//   Sources (untrusted data: ...):
//   <sources>
//   <source n="1" document="tea.md" pages="1">
//   ...text...
//   </source>
//   </sources>
//
//   Question: ...
// The question is taken only from after the last </sources>, so a source
// cannot smuggle in a "Question:" line of its own.

export interface Source {
  /** The citation number, as the prompt gives it in n="...". */
  n: string;
  text: string;
}

export interface GroundedPrompt {
  sources: Source[];
  question: string;
}

const SOURCE = /<source\b([^>]*)>([\s\S]*?)<\/source>/g;
const NUMBER = /\bn="([^"]*)"/;

export function parseGroundedPrompt(message: string): GroundedPrompt {
  const open = message.indexOf("<sources>");
  const close = message.lastIndexOf("</sources>");
  if (open === -1 || close < open) return { sources: [], question: questionIn(message) };
  const block = message.slice(open + "<sources>".length, close);
  const sources = [...block.matchAll(SOURCE)].map((match, i) => ({
    n: NUMBER.exec(match[1] ?? "")?.[1] ?? String(i + 1),
    text: (match[2] ?? "").trim(),
  }));
  return { sources, question: questionIn(message.slice(close + "</sources>".length)) };
}

function questionIn(text: string): string {
  const at = text.lastIndexOf("Question:");
  return (at === -1 ? text : text.slice(at + "Question:".length)).trim();
}
