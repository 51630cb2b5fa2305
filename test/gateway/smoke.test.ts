import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
it("smoke", async () => {
  const r = await exports.default.fetch("http://x/health");
  expect(r.status).toBe(200);
});
