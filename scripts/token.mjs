// `npm run token -- --sub alice --tenant acme [--role admin] [--ttl 3600]`
// Prints a development JWT signed with .dev.vars' JWT_SECRET, alone on stdout.
import { parseArgs } from "node:util";
import { ensureDevVars, signDevToken } from "./dev-vars.mjs";

const { values } = parseArgs({
  options: {
    sub: { type: "string", default: "dev-user" },
    tenant: { type: "string" },
    role: { type: "string" },
    ttl: { type: "string", default: "3600" },
    iss: { type: "string" },
    aud: { type: "string" },
  },
});

const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) {
  console.error("--ttl must be a positive number of seconds");
  process.exit(2);
}
ensureDevVars();
const jwt = await signDevToken({ sub: values.sub, tenant: values.tenant, role: values.role, ttlSeconds: ttl, issuer: values.iss, audience: values.aud });
if (!jwt) {
  console.error(".dev.vars has no JWT_SECRET");
  process.exit(1);
}
console.log(jwt);
