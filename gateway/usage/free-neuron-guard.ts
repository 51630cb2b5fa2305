// The optional deployment-wide guard (USAGE_CONFIG.freeNeuronGuard): once
// today's Workers AI Neurons reach the free daily allocation, requests go to
// the next model in their chain that is not on Workers AI. Reading the
// NeuronAllowance object on every request would make it a global hot spot,
// so each isolate caches the answer for CACHE_MS.
import type { Provider } from "../../shared/usage/prices";
import { usageConfig } from "./config";

const CACHE_MS = 30_000;
let cached: { day: string; spent: boolean; until: number } | undefined;

export async function freeNeuronsSpent(env: GatewayEnv, now = Date.now()): Promise<boolean> {
  const guard = usageConfig(env).freeNeuronGuard;
  if (!guard.enabled) return false;
  const day = new Date(now).toISOString().slice(0, 10);
  if (cached && cached.day === day && cached.until > now) return cached.spent;
  let spent = false;
  try {
    spent = (await env.NEURON_ALLOWANCE.get(env.NEURON_ALLOWANCE.idFromName("account")).used(day)) >= guard.dailyNeurons;
  } catch (error) {
    // Unknown: keep serving as configured rather than failing the request.
    console.error("neuron allowance unreadable", { error: String(error) });
  }
  cached = { day, spent, until: now + CACHE_MS };
  return spent;
}

/** Forgets the cached answer (tests, and an operator who just raised the limit). */
export function forgetNeuronAllowance(): void {
  cached = undefined;
}

/** The chain with Workers AI models moved behind the others once the free Neurons are spent. */
export function withinFreeAllocation<T extends { provider: Provider }>(chain: readonly T[], spent: boolean): T[] {
  if (!spent) return [...chain];
  return [...chain.filter((m) => m.provider !== "workers-ai"), ...chain.filter((m) => m.provider === "workers-ai")];
}
