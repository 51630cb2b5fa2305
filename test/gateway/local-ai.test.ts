// The local Workers AI stand-in (local-services/ai.ts), called through the
// same `env.AI` service binding the gateway uses in the `local` environment.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drawFault, parseFaults } from "../../local-services/faults";

const BASE = "@cf/baai/bge-base-en-v1.5";

async function embed(text: string | string[], pooling?: "mean" | "cls"): Promise<number[][]> {
  const output = await env.AI.run(BASE, pooling ? { text, pooling } : { text });
  if (!("data" in output) || !output.data) throw new Error("no embeddings in output");
  return output.data;
}

async function embedOne(text: string): Promise<number[]> {
  const [vector] = await embed(text);
  if (!vector) throw new Error("no embedding");
  return vector;
}

/**
 * A service-binding call returns an RPC promise, on which any property access
 * is itself a pipelined call; `expect(...).rejects` probes properties and
 * leaves those rejecting unhandled. Awaiting it here hands vitest a plain promise.
 */
async function settled<T>(call: Promise<T>): Promise<T> {
  return await call;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
const norm = (a: readonly number[]) => Math.sqrt(dot(a, a));

describe("LocalAI embeddings: output contract", () => {
  it("returns { shape: [n, 768], data, pooling } of unit vectors for bge-base", async () => {
    const output = await env.AI.run(BASE, { text: ["first text", "second text", "third"] });
    expect("shape" in output && output.shape).toEqual([3, 768]);
    expect("pooling" in output && output.pooling).toBe("mean");
    const data = "data" in output ? output.data : undefined;
    expect(data).toHaveLength(3);
    for (const vector of data ?? []) {
      expect(vector).toHaveLength(768);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
  });

  it("embeds a single string as a batch of one", async () => {
    const output = await env.AI.run(BASE, { text: "just one" });
    expect("shape" in output && output.shape).toEqual([1, 768]);
  });

  it.each([
    ["@cf/baai/bge-small-en-v1.5", 384],
    ["@cf/baai/bge-large-en-v1.5", 1024],
  ] as const)("%s has %i dimensions", async (model, dimensions) => {
    const output = await env.AI.run(model, { text: ["a text"] });
    expect("shape" in output && output.shape).toEqual([1, dimensions]);
    const vector = "data" in output ? output.data?.[0] : undefined;
    expect(vector).toHaveLength(dimensions);
    expect(norm(vector ?? [])).toBeCloseTo(1, 5);
  });

  it("reports cls pooling and puts cls vectors in another space than mean ones", async () => {
    const output = await env.AI.run(BASE, { text: "vector search with pooling", pooling: "cls" });
    expect("pooling" in output && output.pooling).toBe("cls");
    const [cls] = await embed("vector search with pooling", "cls");
    const mean = await embedOne("vector search with pooling");
    expect(dot(cls ?? [], mean)).toBeLessThan(0.5);
  });
});

describe("LocalAI embeddings: input errors look like Workers AI's", () => {
  it("accepts 100 texts and rejects 101 with a 5006 schema error", async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `text number ${i}`);
    await expect(embed(hundred)).resolves.toHaveLength(100);
    await expect(embed([...hundred, "one too many"])).rejects.toThrow(/^5006: Error: oneOf at '\/' not met.*maxItems 100/);
  });

  it.each([
    ["an empty string", { text: "" }],
    ["an empty string in a batch", { text: ["fine", ""] }],
    ["an empty batch", { text: [] }],
    ["a non-string text", { text: [42] }],
    ["no text", { prompt: "hello" }],
    ["an unknown pooling", { text: "x", pooling: "max" }],
  ])("rejects %s", async (_name, inputs) => {
    await expect(settled(env.AI.run("@cf/baai/bge-small-en-v1.5", inputs as { text: string }))).rejects.toThrow(/^5006: /);
  });

  it("rejects an unknown model with 5007, as the service does", async () => {
    await expect(settled(env.AI.run("@cf/baai/bge-huge-en-v9", { text: "x" }))).rejects.toThrow(
      /^5007: No such model @cf\/baai\/bge-huge-en-v9 or task$/,
    );
  });
});

describe("LocalAI embeddings: lexical signal", () => {
  it("scores passages that share the query's words above passages that do not", async () => {
    const [query, onTopic, paraphrase, offTopic, unrelated] = await embed([
      "How do I reset my password?",
      "To reset your password, open the account settings page.",
      "Password resets are handled in settings.",
      "The weather in Lisbon is sunny this week.",
      "Cats sleep for most of the day.",
    ]);
    const score = (v: number[] | undefined) => dot(query ?? [], v ?? []);
    expect(score(onTopic)).toBeGreaterThan(score(offTopic) + 0.2);
    expect(score(paraphrase)).toBeGreaterThan(score(offTopic) + 0.2);
    expect(score(onTopic)).toBeGreaterThan(score(unrelated) + 0.2);
  });

  it("stems plurals and -ing/-ed so word forms meet", async () => {
    const query = await embedOne("embedding documents");
    const forms = await embedOne("embedded document");
    const other = await embedOne("parsing spreadsheets");
    expect(dot(query, forms)).toBeGreaterThan(0.8);
    expect(dot(query, forms)).toBeGreaterThan(dot(query, other) + 0.5);
  });

  it("carries signal for Chinese/Japanese characters and Arabic words", async () => {
    const [tokyo, tokyoWeather, osakaFood] = await embed(["東京の天気", "東京の天気は晴れ", "大阪で食べる"]);
    expect(dot(tokyo ?? [], tokyoWeather ?? [])).toBeGreaterThan(dot(tokyo ?? [], osakaFood ?? []) + 0.3);
    const [hello, helloFriend, newBook] = await embed(["مرحبا بالعالم", "مرحبا يا صديقي", "كتاب جديد"]);
    expect(dot(hello ?? [], helloFriend ?? [])).toBeGreaterThan(dot(hello ?? [], newBook ?? []) + 0.2);
  });

  it("is deterministic: the same text gives the same vector, alone or in any batch", async () => {
    const alone = await embedOne("determinism matters for idempotent ingestion");
    const again = await embedOne("determinism matters for idempotent ingestion");
    const [, inBatch] = await embed(["something else", "determinism matters for idempotent ingestion"]);
    expect(again).toEqual(alone);
    expect(inBatch).toEqual(alone);
  });

  it("ignores words past the 512th token, as bge truncates its input", async () => {
    const words = Array.from({ length: 512 }, (_, i) => `word${i}`).join(" ");
    const [truncated, sameHead, differentHead] = await embed([`${words} tail beyond the limit`, words, `changed ${words}`]);
    expect(truncated).toEqual(sameHead);
    expect(differentHead).not.toEqual(sameHead);
  });
});

describe("LOCAL_AI_FAULTS", () => {
  it("is empty by default, so calls do not fail", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => embed(`call ${i}`)));
    expect(results).toHaveLength(20);
  });

  it("parses kinds and probabilities", () => {
    expect(parseFaults(undefined)).toEqual([]);
    expect(parseFaults(" ")).toEqual([]);
    expect(parseFaults("429:0.3, 500:0.1,3036:1")).toEqual([
      { kind: "capacity", probability: 0.3 },
      { kind: "internal", probability: 0.1 },
      { kind: "daily-allocation", probability: 1 },
    ]);
  });

  it.each(["429", "429:1.5", "404:0.1", "429:abc", "429:0.1;500:0.1"])("rejects the malformed entry %j", (spec) => {
    expect(() => parseFaults(spec)).toThrow(/LOCAL_AI_FAULTS/);
  });

  it("fails a call with the real binding's capacity error when the draw is under the probability", () => {
    const faults = parseFaults("429:0.3");
    expect(drawFault(faults, ["text"], () => 0.5)).toBeUndefined();
    const error = drawFault(faults, ["text"], () => 0.29);
    expect(error?.message).toBe("3040: Capacity temporarily exceeded, please try again.");
  });

  it("draws each entry in order; the first that fires decides the error", () => {
    const draws = [0.9, 0.01];
    const error = drawFault(parseFaults("429:0.5,500:0.05"), ["text"], () => draws.shift() ?? 1);
    expect(error?.message).toBe("3043: Internal server error");
    expect(drawFault(parseFaults("3036:1"), ["text"])?.message).toMatch(/^3036: You have used up your daily free allocation of 10,000 neurons/);
  });

  it("applies an entry with @text only to calls embedding that text", () => {
    const faults = parseFaults("429:1@POISON");
    expect(faults).toEqual([{ kind: "capacity", probability: 1, match: "POISON" }]);
    expect(drawFault(faults, ["clean text", "more clean text"])).toBeUndefined();
    expect(drawFault(faults, ["clean text", "a POISONed chunk"])?.message).toMatch(/^3040: /);
  });
});
