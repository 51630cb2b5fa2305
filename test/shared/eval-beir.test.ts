import { describe, expect, it } from "vitest";
import { BeirFormatError, buildCollection, loadBeirDirectory, parseCorpus, parseQrels, parseQueries } from "../../eval/beir";
import corpusFile from "../../eval/collection/corpus.jsonl?raw";
import qrelsFile from "../../eval/collection/qrels/test.tsv?raw";
import queriesFile from "../../eval/collection/queries.jsonl?raw";

const collection = buildCollection({ corpus: corpusFile, queries: queriesFile, qrels: qrelsFile });

describe("our collection (eval/collection)", () => {
  it("has the documented shape: 42 documents, 28 queries, 41 judgments", () => {
    expect(collection.corpus).toHaveLength(42);
    expect(collection.queries).toHaveLength(28);
    expect(collection.qrels.size).toBe(28);
    expect([...collection.qrels.values()].reduce((n, judged) => n + judged.size, 0)).toBe(41);
  });

  it("has no dangling judgment: every qrel names an existing query and document", () => {
    const corpusIds = new Set(collection.corpus.map((doc) => doc.id));
    const queryIds = new Set(collection.queries.map((query) => query.id));
    expect(collection.warnings).toEqual([]);
    for (const [queryId, judged] of collection.qrels) {
      expect(queryIds.has(queryId), queryId).toBe(true);
      for (const corpusId of judged.keys()) expect(corpusIds.has(corpusId), `${queryId} -> ${corpusId}`).toBe(true);
    }
  });

  it("gives every query a document that answers it, with grades 1 or 2 only", () => {
    for (const query of collection.queries) {
      const grades = [...(collection.qrels.get(query.id)?.values() ?? [])];
      expect(grades, query.id).toContain(2);
      for (const grade of grades) expect([1, 2]).toContain(grade);
    }
  });

  it("keeps documents short and titled, and all text in plain ASCII", () => {
    for (const doc of collection.corpus) {
      const words = doc.text.split(/\s+/).length;
      expect(words, doc.id).toBeGreaterThanOrEqual(80);
      expect(words, doc.id).toBeLessThanOrEqual(200);
      expect(doc.title, doc.id).not.toBe("");
      expect(/^[\x20-\x7e]*$/.test(doc.title + doc.text), doc.id).toBe(true);
    }
    for (const query of collection.queries) expect(/^[\x20-\x7e]*$/.test(query.text), query.id).toBe(true);
  });

  it("leaves some documents unjudged, as distractors", () => {
    const judged = new Set([...collection.qrels.values()].flatMap((judgments) => [...judgments.keys()]));
    expect(collection.corpus.filter((doc) => !judged.has(doc.id)).length).toBeGreaterThanOrEqual(5);
  });
});

describe("parseCorpus", () => {
  it("skips blank lines, accepts CRLF and a BOM, drops extra fields, defaults a missing title", () => {
    const text = '\uFEFF{"_id":"1","title":"T","text":"one","metadata":{"url":"x"}}\r\n\r\n{"_id":"2","text":"two"}\n';
    expect(parseCorpus(text)).toEqual([
      { id: "1", title: "T", text: "one" },
      { id: "2", title: "", text: "two" },
    ]);
  });

  it("names the file and line of invalid JSON", () => {
    expect(() => parseCorpus('{"_id":"1","text":"a"}\n{"_id": "2", text}')).toThrow(/^corpus\.jsonl line 2: not valid JSON/);
  });

  it("names the field that is missing or has the wrong type", () => {
    expect(() => parseCorpus('{"title":"x","text":"a"}')).toThrow(/^corpus\.jsonl line 1: _id: /);
    expect(() => parseCorpus('{"_id":7,"text":"a"}')).toThrow(/line 1: _id: /);
    expect(() => parseCorpus('{"_id":"1","text":"a"}\n[1,2]')).toThrow(/^corpus\.jsonl line 2: /);
  });

  it("rejects a repeated id, naming both lines", () => {
    expect(() => parseCorpus('{"_id":"1","text":"a"}\n{"_id":"2","text":"b"}\n{"_id":"1","text":"c"}')).toThrow(
      'corpus.jsonl line 3: _id "1" repeats the one on line 1',
    );
  });

  it("throws a BeirFormatError carrying file and line", () => {
    try {
      parseCorpus("\n\nnot json", "sub/corpus.jsonl");
      expect.unreachable("should have thrown");
    } catch (error) {
      expect(error).toBeInstanceOf(BeirFormatError);
      expect(error).toMatchObject({ file: "sub/corpus.jsonl", line: 3 });
    }
  });
});

describe("parseQueries", () => {
  it("reads ids and texts", () => {
    expect(parseQueries('{"_id":"q1","text":"why","metadata":{}}\n')).toEqual([{ id: "q1", text: "why" }]);
  });

  it("rejects an empty query text", () => {
    expect(() => parseQueries('{"_id":"q1","text":""}')).toThrow(/^queries\.jsonl line 1: text: /);
  });
});

describe("parseQrels", () => {
  const header = "query-id\tcorpus-id\tscore";

  it("reads graded judgments per query, including zeros", () => {
    const { qrels } = parseQrels(`${header}\nq1\td1\t2\nq1\td2\t0\r\nq2\td1\t1\n\n`);
    expect(qrels).toEqual(
      new Map([
        [
          "q1",
          new Map([
            ["d1", 2],
            ["d2", 0],
          ]),
        ],
        ["q2", new Map([["d1", 1]])],
      ]),
    );
  });

  it("requires the header first", () => {
    expect(() => parseQrels("q1\td1\t1\n")).toThrow(/^qrels\/test\.tsv line 1: expected the header/);
    expect(() => parseQrels("")).toThrow(/line 1: empty file/);
  });

  it("names the line with the wrong number of fields or a bad score", () => {
    expect(() => parseQrels(`${header}\nq1\td1\t1\nq1 d2 1\n`)).toThrow("qrels/test.tsv line 3: expected 3 tab-separated fields");
    expect(() => parseQrels(`${header}\nq1\td1\t1\tx\n`)).toThrow(/line 2: expected 3 tab-separated fields/);
    expect(() => parseQrels(`${header}\nq1\td1\thigh\n`)).toThrow('qrels/test.tsv line 2: score must be an integer, got "high"');
    expect(() => parseQrels(`${header}\nq1\td1\t1.5\n`)).toThrow(/line 2: score must be an integer/);
  });

  it("rejects a second judgment of the same pair", () => {
    expect(() => parseQrels(`${header}\nq1\td1\t1\nq1\td1\t2\n`)).toThrow("qrels/test.tsv line 3: query q1 already has a judgment for d1");
  });
});

describe("buildCollection and loadBeirDirectory", () => {
  it("turns judgments of unknown queries or documents into warnings with their line", () => {
    const built = buildCollection({
      corpus: '{"_id":"d1","text":"a"}',
      queries: '{"_id":"q1","text":"x"}',
      qrels: "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td9\t1\nq7\td1\t2\n",
    });
    expect(built.warnings).toEqual([
      "qrels/test.tsv line 3: document d9 is not in corpus.jsonl",
      "qrels/test.tsv line 4: query q7 is not in queries.jsonl",
    ]);
  });

  it("reads the three files of a directory through the given reader", async () => {
    const files = new Map([
      ["data/set/corpus.jsonl", corpusFile],
      ["data/set/queries.jsonl", queriesFile],
      ["data/set/qrels/test.tsv", qrelsFile],
    ]);
    const read = async (path: string) => {
      const text = files.get(path);
      if (text === undefined) throw new Error(`no file ${path}`);
      return text;
    };
    const loaded = await loadBeirDirectory("data/set/", read);
    expect(loaded.corpus).toEqual(collection.corpus);
    expect(loaded.qrels).toEqual(collection.qrels);
  });
});
