// `npm run token -- [--sub NAME] [--tenant NAME] [--role member|admin] [--ttl SECONDS] [--iss URL] [--aud NAME]`
// Prints a development JWT for the local stack, alone on stdout.
import { one, parseOptions, positiveInteger } from "./cli";
import { localAuth, ROLES, signLocalToken } from "./dev-credentials";
import type { ScriptHost } from "./host";

export const USAGE = `usage: npm run -s token -- [options]     prints a token for the local stack on stdout

  --sub NAME       the user (default dev-user)
  --tenant NAME    the tenant (default: the --sub value; with --role admin, the
                   operator tenant, OPERATOR_TENANT of the local gateway: "operator")
  --role ROLE      member (default) or admin (only the operator tenant's admin role counts)
  --ttl SECONDS    lifetime (default 3600; at most JWT_MAX_LIFETIME_SECONDS, 86400)
  --iss URL        iss claim (default: JWT_ISSUER of .dev.vars, if any)
  --aud NAME       aud claim (default: JWT_AUDIENCE of .dev.vars, if any)
  --help

Signed with JWT_SECRET from .dev.vars (created if missing).`;

export async function main(host: ScriptHost): Promise<number> {
  const fail = (message: string) => {
    host.stderr.write(`token: ${message} (npm run token -- --help for usage)\n`);
    return 2;
  };
  const parsed = parseOptions(host.argv, {
    sub: { type: "string" }, tenant: { type: "string" }, role: { type: "string" }, ttl: { type: "string" },
    iss: { type: "string" }, aud: { type: "string" }, help: { type: "boolean" },
  });
  if (!parsed.ok) return fail(parsed.error);
  if (parsed.value.flags.has("help")) {
    host.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const role = one(parsed.value, "role") ?? "member";
  if (role !== "member" && role !== "admin") return fail(`--role must be one of ${ROLES.join(", ")}, got "${role}"`);
  const ttl = positiveInteger(parsed.value, "ttl", 3600);
  if (!ttl.ok) return fail(ttl.error);

  host.ensureDevVars();
  const auth = await localAuth(host);
  const sub = one(parsed.value, "sub") ?? "dev-user";
  const tenant = one(parsed.value, "tenant") ?? (role === "admin" ? auth.operatorTenant : sub);
  const token = await signLocalToken(auth, { sub, tenant, role, ttlSeconds: ttl.value, issuer: one(parsed.value, "iss"), audience: one(parsed.value, "aud") });
  if (!token.ok) return fail(token.error);
  host.stdout.write(`${token.value}\n`);
  return 0;
}
