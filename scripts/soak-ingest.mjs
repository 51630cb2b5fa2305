// `npm run soak -- [--count 50] [--url URL] [--token TOKEN] [--timeout 300]`
// Uploads `count` distinct documents to a running gateway, polls until every
// one is ready or failed, and prints the outcome. Pair it with
// LOCAL_AI_FAULTS in .dev.vars to watch retries and dead letters work.
import { parseArgs } from "node:util";
import { signDevToken } from "./dev-vars.mjs";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "50" },
    url: { type: "string", default: "http://localhost:8787" },
    token: { type: "string" },
    timeout: { type: "string", default: "300" },
  },
});
const count = Number(values.count);
const tenant = `soak-${Date.now().toString(36)}`;
const token = values.token ?? (await signDevToken({ sub: "soak", tenant }));
if (!token) {
  console.error("no --token given and .dev.vars has no JWT_SECRET (run `npm run dev` once, or pass --token)");
  process.exit(2);
}
const headers = { Authorization: `Bearer ${token}` };

const ids = await Promise.all(
  Array.from({ length: count }, async (_, i) => {
    const body = `# Soak document ${i}\n\n${`Paragraph ${i} about topic ${i % 7}: ${"lorem ipsum dolor sit amet ".repeat(40)}\n\n`.repeat(3)}`;
    const response = await fetch(`${values.url}/v1/documents?filename=soak-${i}.md`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "text/markdown" },
      body: `${body}\n${tenant}-${i}`,
    });
    if (response.status !== 202) throw new Error(`upload ${i}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()).id;
  }),
);
console.log(`tenant ${tenant}: uploaded ${ids.length} documents`);

const started = Date.now();
const settled = new Map();
while (settled.size < ids.length && Date.now() - started < Number(values.timeout) * 1000) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  for (const id of ids.filter((id) => !settled.has(id))) {
    const doc = await (await fetch(`${values.url}/v1/documents/${id}`, { headers })).json();
    if (doc.status === "ready" || doc.status === "failed") settled.set(id, doc);
  }
  process.stdout.write(`\r${settled.size}/${ids.length} settled after ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
console.log();
const docs = [...settled.values()];
const ready = docs.filter((d) => d.status === "ready");
const failed = docs.filter((d) => d.status === "failed");
const attempts = docs.reduce((n, d) => n + d.attempts, 0);
const badProgress = ready.filter((d) => d.progress.done !== d.chunks || d.progress.total !== d.chunks);
console.log(`ready ${ready.length}, failed ${failed.length}, unsettled ${ids.length - docs.length}; ${attempts} attempts in all (${attempts - docs.length} retries)`);
for (const d of failed) console.log(`  failed ${d.id}: ${d.error?.code} ${d.error?.message}`);
if (badProgress.length) console.log(`  ${badProgress.length} ready documents with inconsistent chunk counts`);
process.exit(ready.length === ids.length && badProgress.length === 0 ? 0 : 1);
