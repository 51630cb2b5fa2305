// A configured target as something to send a request to: a base URL reached
// with fetch(), or a Worker reached through a service binding.
import type { TargetConfig, UpstreamConfig } from "./config";

export interface Target {
  /** Stable across deploys as long as the target is: names its breaker state. */
  key: string;
  /** Position in the upstream's list: what anonymous callers may see instead of the URL. */
  index: number;
  /** The base URL (for a service binding, a placeholder host the binding ignores). */
  base: string;
  send(request: Request): Promise<Response>;
}

export function targetsOf(upstream: UpstreamConfig, env: object): Target[] {
  return upstream.targets.map((config, index) => target(config, index, env));
}

function target(config: TargetConfig, index: number, env: object): Target {
  if ("url" in config) return { key: config.url, index, base: config.url, send: (request) => fetch(request) };
  // config.ts checked that the binding exists and can fetch.
  const binding = Reflect.get(env, config.service) as Fetcher;
  return { key: `service:${config.service}`, index, base: `http://${config.service.toLowerCase()}.service`, send: (request) => binding.fetch(request) };
}
