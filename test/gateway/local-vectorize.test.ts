// The local Vectorize stand-in (local-services/vectorize.ts + vector-index.ts),
// called through the same `env.VECTORIZE` service binding the gateway uses in
// the `local` environment. Its storage outlives a test, and other test files
// write to the same index, so every test works in a namespace of its own.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const DIMENSIONS = 768;

/** A 768-dimension vector with the given components set, e.g. vec([0, 1], [5, 0.2]). */
function vec(...components: [index: number, value: number][]): number[] {
  const values = new Array<number>(DIMENSIONS).fill(0);
  for (const [i, v] of components) values[i] = v;
  return values;
}

function uniqueNamespace(): string {
  return `t-${crypto.randomUUID().slice(0, 12)}`;
}

/** See local-ai.test.ts: hand vitest a plain promise, not an RPC one. */
async function settled<T>(call: Promise<T>): Promise<T> {
  return await call;
}

/** Polls until `done` holds (writes land after LOCAL_VECTORIZE_LAG_MS = 300 ms). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function upsertAndWait(vectors: VectorizeVector[]): Promise<string> {
  const { mutationId } = await env.VECTORIZE.upsert(vectors);
  await eventually(() => env.VECTORIZE.getByIds(vectors.slice(0, 20).map((v) => v.id)), (found) => found.length === Math.min(vectors.length, 20));
  return mutationId;
}

const ids = (matches: VectorizeMatches) => matches.matches.map((m) => m.id);

describe("LocalVectorize: asynchronous writes", () => {
  it("returns a mutation id at once and shows the vectors only after the lag", async () => {
    const namespace = uniqueNamespace();
    const { mutationId } = await env.VECTORIZE.upsert([{ id: `${namespace}-a`, values: vec([0, 1]), namespace }]);
    expect(mutationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await env.VECTORIZE.getByIds([`${namespace}-a`])).toEqual([]);
    expect((await env.VECTORIZE.query(vec([0, 1]), { namespace })).count).toBe(0);

    const found = await eventually(() => env.VECTORIZE.query(vec([0, 1]), { namespace }), (m) => m.count === 1);
    expect(found.matches[0]).toMatchObject({ id: `${namespace}-a`, namespace });
    expect(found.matches[0]?.score).toBeCloseTo(1, 5);
  });

  it("deletes only after the lag too, and deleting unknown ids is harmless", async () => {
    const namespace = uniqueNamespace();
    await upsertAndWait([{ id: `${namespace}-a`, values: vec([1, 1]), namespace }]);
    const { mutationId } = await env.VECTORIZE.deleteByIds([`${namespace}-a`, `${namespace}-never-written`]);
    expect(mutationId).toEqual(expect.any(String));
    expect(await env.VECTORIZE.getByIds([`${namespace}-a`])).toHaveLength(1);
    await eventually(() => env.VECTORIZE.getByIds([`${namespace}-a`]), (found) => found.length === 0);
    expect((await env.VECTORIZE.query(vec([1, 1]), { namespace })).count).toBe(0);
  });

  it("applies mutations in the order they were accepted", async () => {
    const namespace = uniqueNamespace();
    const id = `${namespace}-a`;
    await env.VECTORIZE.upsert([{ id, values: vec([2, 1]), namespace }]);
    await env.VECTORIZE.deleteByIds([id]);
    await env.VECTORIZE.upsert([{ id, values: vec([3, 1]), namespace, metadata: { documentId: "last" } }]);
    const [vector] = await eventually(() => env.VECTORIZE.getByIds([id]), (found) => found[0]?.metadata?.["documentId"] === "last");
    expect(vector?.values).toEqual(vec([3, 1]));
  });

  it("upsert replaces a vector whole; insert keeps the one already there", async () => {
    const namespace = uniqueNamespace();
    const id = `${namespace}-a`;
    await upsertAndWait([{ id, values: vec([4, 1]), namespace, metadata: { documentId: "d1", title: "first" } }]);

    await env.VECTORIZE.upsert([{ id, values: vec([5, 1]), namespace, metadata: { documentId: "d2" } }]);
    const [replaced] = await eventually(() => env.VECTORIZE.getByIds([id]), (found) => found[0]?.metadata?.["documentId"] === "d2");
    expect(replaced).toEqual({ id, namespace, values: vec([5, 1]), metadata: { documentId: "d2" } });

    // The new id in the same insert shows when the insert has been applied.
    await env.VECTORIZE.insert([
      { id, values: vec([6, 1]), namespace, metadata: { documentId: "d3" } },
      { id: `${namespace}-b`, values: vec([7, 1]), namespace },
    ]);
    await eventually(() => env.VECTORIZE.getByIds([`${namespace}-b`]), (found) => found.length === 1);
    const [kept] = await env.VECTORIZE.getByIds([id]);
    expect(kept).toEqual({ id, namespace, values: vec([5, 1]), metadata: { documentId: "d2" } });
  });

  it("describes the index, reporting a mutation as processed only once its lag has passed", async () => {
    const namespace = uniqueNamespace();
    const before = Date.now();
    const { mutationId } = await env.VECTORIZE.upsert([
      { id: `${namespace}-a`, values: vec([8, 1]), namespace },
      { id: `${namespace}-b`, values: vec([8, 1], [9, 1]), namespace },
    ]);
    const pending = await env.VECTORIZE.describe();
    expect(pending.dimensions).toBe(DIMENSIONS);
    expect(pending.processedUpToMutation).not.toBe(mutationId);

    await eventually(() => env.VECTORIZE.getByIds([`${namespace}-a`]), (found) => found.length === 1);
    const info = await env.VECTORIZE.describe();
    expect(info.vectorCount).toBeGreaterThanOrEqual(2);
    // Real Vectorize answers an ISO datetime and a mutation UUID here, whatever workers-types says.
    expect(Date.parse(String(info.processedUpToDatetime))).toBeGreaterThanOrEqual(before + 300);
    expect(String(info.processedUpToMutation)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("LocalVectorize: query", () => {
  it("ranks by cosine similarity, honours topK and returns only what was asked for", async () => {
    const namespace = uniqueNamespace();
    await upsertAndWait([
      { id: `${namespace}-exact`, values: vec([10, 1]), namespace, metadata: { documentId: "d1", chunkIndex: 0 } },
      { id: `${namespace}-close`, values: vec([10, 1], [11, 0.3]), namespace, metadata: { documentId: "d1", chunkIndex: 1 } },
      { id: `${namespace}-far`, values: vec([10, 0.2], [12, 1]), namespace, metadata: { documentId: "d2", chunkIndex: 0 } },
      { id: `${namespace}-opposite`, values: vec([10, -1]), namespace, metadata: { documentId: "d3", chunkIndex: 0 } },
    ]);

    const ranked = await env.VECTORIZE.query(vec([10, 1]), { namespace, topK: 3 });
    expect(ids(ranked)).toEqual([`${namespace}-exact`, `${namespace}-close`, `${namespace}-far`]);
    expect(ranked.count).toBe(3);
    expect(ranked.matches[1]?.score).toBeCloseTo(1 / Math.sqrt(1.09), 5);
    expect(ranked.matches[0]).not.toHaveProperty("values");
    expect(ranked.matches[0]).not.toHaveProperty("metadata");

    const full = await env.VECTORIZE.query(vec([10, 1]), { namespace, returnValues: true, returnMetadata: "all" });
    expect(full.count).toBe(4);
    expect(full.matches[3]?.score).toBeCloseTo(-1, 5);
    expect(full.matches[0]).toMatchObject({ values: vec([10, 1]), metadata: { documentId: "d1", chunkIndex: 0 } });

    const indexedOnly = await env.VECTORIZE.query(vec([10, 1]), { namespace, topK: 1, returnMetadata: "indexed" });
    expect(indexedOnly.matches[0]?.metadata).toEqual({ documentId: "d1" });
  });

  it("defaults topK to 5", async () => {
    const namespace = uniqueNamespace();
    await upsertAndWait(Array.from({ length: 7 }, (_, i) => ({ id: `${namespace}-${i}`, values: vec([13, 1], [14 + i, 0.1]), namespace })));
    expect((await env.VECTORIZE.query(vec([13, 1]), { namespace })).count).toBe(5);
  });

  it("keeps namespaces apart; no namespace searches them all", async () => {
    const a = uniqueNamespace();
    const b = uniqueNamespace();
    await upsertAndWait([
      { id: `${a}-1`, values: vec([30, 1], [31, 0.5]), namespace: a },
      { id: `${b}-1`, values: vec([30, 1], [31, 0.4]), namespace: b },
    ]);
    expect(ids(await env.VECTORIZE.query(vec([30, 1], [31, 0.45]), { namespace: a }))).toEqual([`${a}-1`]);
    expect(ids(await env.VECTORIZE.query(vec([30, 1], [31, 0.45]), { namespace: b }))).toEqual([`${b}-1`]);
    const everywhere = ids(await env.VECTORIZE.query(vec([30, 1], [31, 0.45]), { topK: 100 }));
    expect(everywhere).toEqual(expect.arrayContaining([`${a}-1`, `${b}-1`]));
  });

  it("finds the neighbours of a stored vector with queryById", async () => {
    const namespace = uniqueNamespace();
    await upsertAndWait([
      { id: `${namespace}-a`, values: vec([40, 1]), namespace },
      { id: `${namespace}-b`, values: vec([40, 1], [41, 1]), namespace },
    ]);
    expect(ids(await env.VECTORIZE.queryById(`${namespace}-a`, { namespace }))).toEqual([`${namespace}-a`, `${namespace}-b`]);
    expect((await env.VECTORIZE.queryById(`${namespace}-missing`, { namespace })).count).toBe(0);
  });
});

describe("LocalVectorize: metadata filters", () => {
  it("filters on indexed properties with implicit $eq and the operators", async () => {
    const namespace = uniqueNamespace();
    await upsertAndWait(
      ["d1", "d2", "d3"].map((documentId, i) => ({ id: `${namespace}-${documentId}`, values: vec([50, 1], [51 + i, 0.1]), namespace, metadata: { documentId } })),
    );
    const query = (filter: VectorizeVectorMetadataFilter) => env.VECTORIZE.query(vec([50, 1]), { namespace, filter }).then((m) => ids(m).sort());
    expect(await query({ documentId: "d2" })).toEqual([`${namespace}-d2`]);
    expect(await query({ documentId: { $eq: "d3" } })).toEqual([`${namespace}-d3`]);
    expect(await query({ documentId: { $ne: "d2" } })).toEqual([`${namespace}-d1`, `${namespace}-d3`]);
    expect(await query({ documentId: { $in: ["d1", "d3", "d9"] } })).toEqual([`${namespace}-d1`, `${namespace}-d3`]);
    expect(await query({ documentId: { $nin: ["d1"] } })).toEqual([`${namespace}-d2`, `${namespace}-d3`]);
    expect(await query({ documentId: { $gte: "d2", $lt: "d3" } })).toEqual([`${namespace}-d2`]);
  });

  it("matches nothing when filtering on a property without a metadata index, as Vectorize does", async () => {
    const namespace = uniqueNamespace();
    await upsertAndWait([{ id: `${namespace}-a`, values: vec([60, 1]), namespace, metadata: { documentId: "d1", chunkIndex: 0 } }]);
    expect((await env.VECTORIZE.query(vec([60, 1]), { namespace, filter: { chunkIndex: 0 } })).count).toBe(0);
    expect((await env.VECTORIZE.query(vec([60, 1]), { namespace, filter: { documentId: "d1" } })).count).toBe(1);
  });

  it.each([
    ["a key starting with $", { $and: "x" }],
    ["an unknown operator", { documentId: { $regex: "d.*" } }],
    ["an array value", { documentId: ["d1"] }],
    ["an empty filter", {}],
    ["a filter of 2048 bytes or more", { documentId: { $in: Array.from({ length: 200 }, (_, i) => `document-${i}`) } }],
  ])("rejects %s", async (_name, filter) => {
    await expect(settled(env.VECTORIZE.query(vec([0, 1]), { filter: filter as VectorizeVectorMetadataFilter }))).rejects.toThrow(
      /^VECTOR_QUERY_ERROR \(code = 40026\): Failed to parse the request body as JSON: filter: /,
    );
  });
});

describe("LocalVectorize: limits and errors like the real service's", () => {
  const query = (options: VectorizeQueryOptions) => settled(env.VECTORIZE.query(vec([0, 1]), options));

  it("caps topK at 100, and at 20 when values or all metadata are returned", async () => {
    await expect(query({ topK: 100 })).resolves.toMatchObject({ count: expect.any(Number) });
    await expect(query({ topK: 20, returnValues: true, returnMetadata: "all" })).resolves.toMatchObject({ count: expect.any(Number) });
    await expect(query({ topK: 100, returnMetadata: "indexed" })).resolves.toMatchObject({ count: expect.any(Number) });
    await expect(query({ topK: 101 })).rejects.toThrow(/^VECTOR_QUERY_ERROR \(code = 40025\): max top K is 100, but got 101/);
    await expect(query({ topK: 0 })).rejects.toThrow(/^VECTOR_QUERY_ERROR \(code = 40025\): /);
    await expect(query({ topK: 21, returnValues: true })).rejects.toThrow(
      "VECTOR_QUERY_ERROR (code = 40025): with returnValues=true or returnMetadata=all, max top K is 20, but got 21",
    );
    await expect(query({ topK: 21, returnMetadata: "all" })).rejects.toThrow(/code = 40025/);
    await expect(query({ topK: 21, returnMetadata: true })).rejects.toThrow(/code = 40025/);
  });

  it("rejects returnMetadata: false, which the real binding sends as-is and the service cannot parse", async () => {
    await expect(query({ returnMetadata: false })).rejects.toThrow(
      "VECTOR_QUERY_ERROR (code = 40026): Failed to parse the request body as JSON: returnMetadata: expected value",
    );
    await expect(query({ returnMetadata: "some" as VectorizeMetadataRetrievalLevel })).rejects.toThrow(/^Invalid returnMetadata option/);
  });

  it("rejects vectors of the wrong width", async () => {
    await expect(settled(env.VECTORIZE.query(new Array<number>(767).fill(0.1)))).rejects.toThrow(
      "VECTOR_QUERY_ERROR (code = 40006): invalid query vector, expected 768 dimensions, and got 767 dimensions",
    );
    await expect(settled(env.VECTORIZE.upsert([{ id: "too-wide", values: new Array<number>(1024).fill(0.1) }]))).rejects.toThrow(
      'VECTOR_UPSERT_ERROR (code = 40012): invalid vector for id="too-wide", expected 768 dimensions, and got 1024 dimensions',
    );
    await expect(settled(env.VECTORIZE.insert([{ id: "empty", values: [] }]))).rejects.toThrow(/^VECTOR_INSERT_ERROR \(code = 40012\)/);
  });

  it("limits ids to 64 bytes of UTF-8", async () => {
    const namespace = uniqueNamespace();
    await expect(env.VECTORIZE.upsert([{ id: "x".repeat(64), values: vec([0, 1]), namespace }])).resolves.toHaveProperty("mutationId");
    await expect(settled(env.VECTORIZE.upsert([{ id: "x".repeat(65), values: vec([0, 1]), namespace }]))).rejects.toThrow(
      "VECTOR_UPSERT_ERROR (code = 40008): id too long; max is 64 bytes, got 65 bytes",
    );
    await expect(settled(env.VECTORIZE.upsert([{ id: "é".repeat(33), values: vec([0, 1]), namespace }]))).rejects.toThrow(/got 66 bytes/);
  });

  it("takes at most 1,000 vectors per write", async () => {
    const namespace = uniqueNamespace();
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `${namespace}-${i}`, values: vec([70, 1], [71, i / n]), namespace }));
    await expect(env.VECTORIZE.upsert(batch(1000))).resolves.toHaveProperty("mutationId");
    await expect(settled(env.VECTORIZE.upsert(batch(1001)))).rejects.toThrow(/^VECTOR_UPSERT_ERROR \(code = 40007\): too many vectors/);
    await expect(settled(env.VECTORIZE.insert(batch(1001)))).rejects.toThrow(/^VECTOR_INSERT_ERROR/);
  });

  it("takes at most 20 ids per getByIds and 100 per deleteByIds", async () => {
    const some = (n: number) => Array.from({ length: n }, (_, i) => `missing-${i}`);
    await expect(env.VECTORIZE.getByIds(some(20))).resolves.toEqual([]);
    await expect(settled(env.VECTORIZE.getByIds(some(21)))).rejects.toThrow(
      "VECTOR_GET_ERROR (code = 40007): too many ids in payload; max id count is 20, got 21",
    );
    await expect(env.VECTORIZE.deleteByIds(some(100))).resolves.toHaveProperty("mutationId");
    await expect(settled(env.VECTORIZE.deleteByIds(some(101)))).rejects.toThrow(
      "VECTOR_DELETE_ERROR (code = 40007): too many ids in payload; max id count is 100, got 101",
    );
  });

  it("limits metadata to 10 KiB and namespaces to 64 bytes", async () => {
    const values = vec([0, 1]);
    await expect(env.VECTORIZE.upsert([{ id: "meta-ok", values, metadata: { text: "x".repeat(10_000) } }])).resolves.toHaveProperty("mutationId");
    await expect(settled(env.VECTORIZE.upsert([{ id: "meta-big", values, metadata: { text: "x".repeat(10_240) } }]))).rejects.toThrow(
      /^VECTOR_UPSERT_ERROR \(code = \d+\): metadata too large/,
    );
    await expect(settled(env.VECTORIZE.upsert([{ id: "ns-long", values, namespace: "n".repeat(65) }]))).rejects.toThrow(/namespace too long/);
  });

  it("rejects what the service could not parse: NaN values, lone surrogates", async () => {
    const withNaN = vec([0, 1]);
    withNaN[5] = Number.NaN;
    await expect(settled(env.VECTORIZE.upsert([{ id: "nan", values: withNaN }]))).rejects.toThrow(/^VECTOR_UPSERT_ERROR \(code = 40023\)/);
    await expect(settled(env.VECTORIZE.upsert([{ id: "bad-text", values: vec([0, 1]), metadata: { text: "half \ud835 a pair" } }]))).rejects.toThrow(
      /^VECTOR_UPSERT_ERROR \(code = 40023\)/,
    );
  });
});

describe("LocalVectorize: getByIds", () => {
  it("returns the visible vectors asked for, with values, metadata and namespace, skipping unknown ids", async () => {
    const namespace = uniqueNamespace();
    const values = vec([80, 0.25], [81, -0.5]);
    await upsertAndWait([{ id: `${namespace}-a`, values: new Float32Array(values), namespace, metadata: { documentId: "d1", tags: ["x", "y"] } }]);
    const found = await env.VECTORIZE.getByIds([`${namespace}-unknown`, `${namespace}-a`, `${namespace}-a`]);
    expect(found).toEqual([{ id: `${namespace}-a`, namespace, values, metadata: { documentId: "d1", tags: ["x", "y"] } }]);
  });
});
