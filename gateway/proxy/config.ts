// Parses PROXY_CONFIG once per isolate. A bad config fails every proxied
// request with server_misconfigured naming the field, never by forwarding
// somewhere unintended. Empty or unset: the gateway proxies nothing.
import { ApiError } from "../errors";
import { proxyConfigSchema, type ProxyConfig } from "./config-schema";

export type { ProxyConfig, RouteConfig, UpstreamConfig, TargetConfig, RolloutRouteConfig } from "./config-schema";

type Parsed = { ok: true; config: ProxyConfig | null } | { ok: false; message: string };

let cache: { raw: string; parsed: Parsed } | undefined;

export function proxyConfig(env: Pick<GatewayEnv, "PROXY_CONFIG">): ProxyConfig | null {
  const raw = env.PROXY_CONFIG ?? "";
  if (cache?.raw !== raw) cache = { raw, parsed: parse(raw, env) };
  if (!cache.parsed.ok) throw new ApiError("server_misconfigured", cache.parsed.message);
  return cache.parsed.config;
}

function parse(raw: string, env: object): Parsed {
  if (raw.trim() === "") return { ok: true, config: null };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return fail("PROXY_CONFIG is not valid JSON.");
  }
  const result = proxyConfigSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return fail(`PROXY_CONFIG is invalid at ${fieldPath(issue?.path ?? [])}: ${issue?.message ?? "invalid"}.`);
  }
  // A service target must name a binding this worker actually has.
  for (const [upstreamName, upstream] of Object.entries(result.data.upstreams)) {
    for (const [i, target] of upstream.targets.entries()) {
      if ("service" in target && !isFetcher(Reflect.get(env, target.service))) {
        return fail(`PROXY_CONFIG is invalid at upstreams.${upstreamName}.targets[${i}].service: no service binding named ${target.service}.`);
      }
    }
  }
  return { ok: true, config: result.data };
}

function fail(message: string): Parsed {
  console.error("proxy config rejected", { message });
  return { ok: false, message };
}

const isFetcher = (value: unknown): value is Fetcher =>
  typeof value === "object" && value !== null && typeof Reflect.get(value, "fetch") === "function";

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out === "" ? String(part) : `${out}.${String(part)}`), "") || "(root)";
}
