// The gateway project's experiments (vitest.config.ts AI_EXPERIMENTS), for
// tests that need a caller in a known variant.
import { env } from "cloudflare:workers";
import { assign, ExperimentsSchema, userKey } from "../../gateway/ai/experiments";

export const experiments = () => ExperimentsSchema.parse(JSON.parse(env.AI_EXPERIMENTS));

/** A `user` of this tenant whose simple requests get `variant` of the simple-model experiment. */
export async function userInVariant(tenant: string, variant: string): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const user = `user-${i}`;
    if ((await assign(experiments(), "simple", userKey(tenant, user)))?.variant === variant) return user;
  }
  throw new Error(`no user lands in ${variant}`);
}
