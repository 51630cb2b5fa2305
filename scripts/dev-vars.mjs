// The local .dev.vars file (never committed): created on first use with a
// random development JWT secret and receipt secret, read by wrangler dev and
// by the scripts that sign development tokens with it (scripts/dev-credentials.ts,
// through scripts/run-ts.mjs).
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

export const DEV_VARS = ".dev.vars";

const receiptSecret = () => ["# Signs chat completion ids as receipts for POST /v1/feedback (see README).", `RECEIPT_SECRET="${randomBytes(32).toString("base64url")}"`];

export function ensureDevVars() {
  if (existsSync(DEV_VARS)) {
    // A .dev.vars from before receipts existed gets its secret added, once.
    if (readDevVars().RECEIPT_SECRET === undefined) appendFileSync(DEV_VARS, ["", ...receiptSecret(), ""].join("\n"));
    return false;
  }
  writeFileSync(
    DEV_VARS,
    [
      "# Local secrets for `npm run dev`; not committed. Delete this file to get new secrets.",
      `JWT_SECRET="${randomBytes(32).toString("base64url")}"`,
      ...receiptSecret(),
      "# Fault injection for the local Workers AI stand-in, e.g. 429:0.3 (see README).",
      'LOCAL_AI_FAULTS=""',
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return true;
}

export function readDevVars() {
  if (!existsSync(DEV_VARS)) return {};
  const vars = {};
  for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
    const match = line.match(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (match) vars[match[1]] = match[2].replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
  }
  return vars;
}
