// One status line on stderr: redrawn in place on a terminal, and printed at most
// every few seconds otherwise, so a log file gets a readable trail, not thousands of lines.
import type { OutputStream } from "./host";

export interface ProgressLine {
  update(text: string): void;
  /** Leaves the last text on screen and moves on to a new line. */
  finish(text?: string): void;
}

export function progressLine(stream: OutputStream, everyMs = 5000, now = () => Date.now()): ProgressLine {
  let last = "";
  let printed = "";
  let lastPrinted = -Infinity;
  return {
    update(text) {
      last = text;
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${text}`);
      } else if (now() - lastPrinted >= everyMs) {
        stream.write(`${text}\n`);
        printed = text;
        lastPrinted = now();
      }
    },
    finish(text = last) {
      if (stream.isTTY && text) stream.write(`\r\x1b[2K${text}\n`);
      else if (!stream.isTTY && text && text !== printed) stream.write(`${text}\n`);
      last = "";
      printed = "";
      lastPrinted = -Infinity;
    },
  };
}
