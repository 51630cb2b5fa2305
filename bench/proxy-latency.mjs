// The proxy's added latency: the same request to the stand-in legacy backend
// sent through the gateway and sent to the backend directly, interleaved so
// both see the same machine load. Prints p50 and p99 of each, the difference
// in ms and the ratio. Needs `npm run dev` running (same machine, 127.0.0.1).
//
//   npm run bench:proxy -- [--gateway http://127.0.0.1:8787] [--backend http://127.0.0.1:10787]
//                          [--requests 2000] [--concurrency 8] [--path /api/billing/plans]
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    gateway: { type: "string", default: "http://127.0.0.1:8787" },
    backend: { type: "string", default: "http://127.0.0.1:10787" },
    requests: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "8" },
    path: { type: "string", default: "/api/billing/plans" },
  },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);

// Log in through the gateway as the stand-in's demo user: the token the proxied route requires.
const login = await fetch(`${values.gateway}/api/auth/login`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ email: "demo@example.com", password: "demo-password" }),
}).catch((error) => {
  console.error(`cannot reach the gateway at ${values.gateway} (is npm run dev running?): ${error.message}`);
  process.exit(1);
});
if (!login.ok) {
  console.error(`login through the gateway failed: ${login.status} ${await login.text()}`);
  process.exit(1);
}
const { token } = await login.json();
// The backend directly receives what the gateway would have added, so it does the same work.
const direct = { Authorization: `Bearer ${token}`, "X-Auth-User": "demo-user", "X-Auth-Tenant": "demo", "X-Auth-Role": "member", "X-Auth-Plan": "pro" };
const viaGateway = { Authorization: `Bearer ${token}` };

async function once(url, headers) {
  const start = performance.now();
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return performance.now() - start;
}

async function run(total) {
  const times = { gateway: [], direct: [] };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      // Alternate which goes first, so neither always gets the warmer connection.
      const order = i % 2 === 0 ? ["gateway", "direct"] : ["direct", "gateway"];
      for (const side of order) {
        const t = side === "gateway" ? await once(`${values.gateway}${values.path}`, viaGateway) : await once(`${values.backend}${values.path}`, direct);
        times[side].push(t);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

await run(Math.min(200, requests)); // warm-up: isolates, connections, JIT
const times = await run(requests);
for (const side of ["gateway", "direct"]) times[side].sort((a, b) => a - b);
console.log(`GET ${values.path}: ${requests} requests each way, concurrency ${concurrency}`);
console.log(`${"".padEnd(6)}${"direct".padStart(10)}${"gateway".padStart(10)}${"added".padStart(10)}${"ratio".padStart(8)}`);
for (const [label, q] of [["p50", 0.5], ["p99", 0.99]]) {
  const d = quantile(times.direct, q);
  const g = quantile(times.gateway, q);
  console.log(`${label.padEnd(6)}${`${d.toFixed(2)} ms`.padStart(10)}${`${g.toFixed(2)} ms`.padStart(10)}${`${(g - d).toFixed(2)} ms`.padStart(10)}${`${(g / d).toFixed(2)}x`.padStart(8)}`);
}
