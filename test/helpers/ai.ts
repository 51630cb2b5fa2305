// Workers AI as the consumer sees it, with a hook before every call: the hook
// may throw (to fail the call the way the service fails), act (delete a
// document mid-ingestion), or never settle (a call that never answers);
// otherwise the local stand-in answers.
import { env } from "cloudflare:workers";

type RunArgs = Parameters<Ai["run"]>;

export function interceptedAi(before: (call: number, args: RunArgs) => void | Promise<void>): Ai {
  let calls = 0;
  const run = async (...args: RunArgs) => {
    await before(++calls, args);
    return env.AI.run(...args);
  };
  return { run } as unknown as Ai; // Only `run` is used by the consumer.
}
