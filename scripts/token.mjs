// `npm run token -- --sub alice --tenant acme [--role admin] [--ttl 3600]`
// Prints a development JWT signed with .dev.vars' JWT_SECRET, alone on stdout.
import { parseArgs } from "node:util";
import { SignJWT } from "jose";
import { ensureDevVars, readDevVars } from "./dev-vars.mjs";

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
const secret = readDevVars().JWT_SECRET;
if (!secret) {
  console.error(".dev.vars has no JWT_SECRET");
  process.exit(1);
}

const claims = { tenant: values.tenant ?? values.sub, ...(values.role ? { role: values.role } : {}) };
let jwt = new SignJWT(claims)
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setSubject(values.sub)
  .setIssuedAt()
  .setExpirationTime(`${ttl}s`);
if (values.iss) jwt = jwt.setIssuer(values.iss);
if (values.aud) jwt = jwt.setAudience(values.aud);
console.log(await jwt.sign(new TextEncoder().encode(secret)));
