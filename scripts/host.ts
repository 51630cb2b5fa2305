// What scripts/run-ts.mjs hands a TypeScript script's `main(host)`: the few Node
// facilities the script needs. TypeScript here is checked against the Workers
// types only (no @types/node), so Node's APIs stay on the .mjs side of this line.

export interface OutputStream {
  write(text: string): void;
  /** True on a terminal: progress may redraw one line; otherwise it should print sparingly. */
  isTTY: boolean;
}

export interface ScriptHost {
  /** The arguments after the script's path. */
  argv: readonly string[];
  /** A UTF-8 file, relative to the working directory (the repository root under npm run). */
  readText(path: string): Promise<string>;
  /** The variables in .dev.vars, read as scripts/dev-vars.mjs reads them; empty when there is no file. */
  devVars(): Record<string, string>;
  /** Creates .dev.vars with a random JWT_SECRET if it is missing; true when it did. */
  ensureDevVars(): boolean;
  /** The process environment (GATEWAY_URL and the like). */
  env: Readonly<Record<string, string | undefined>>;
  /** A file of the repository, or null when it does not exist. */
  readTextIfExists(path: string): Promise<string | null>;
  stdout: OutputStream;
  stderr: OutputStream;
}

/** A script's entry: resolves to the process exit code. */
export type ScriptMain = (host: ScriptHost) => Promise<number>;
