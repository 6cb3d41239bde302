import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import {
  buildGroundingIndex,
  GroundingIndex,
  reciprocalRankFusion,
} from "../../src/grounding/index.js";
import { tempDir } from "../helpers.js";

function exchange(id: string, language: "zh" | "en", client: string, counselor: string) {
  return JSON.stringify({
    id,
    language,
    turns: [
      { role: "client", content: client },
      { role: "counselor", content: counselor },
    ],
  });
}

async function indexOf(lines: string[]): Promise<GroundingIndex> {
  const dir = tempDir();
  const corpus = join(dir, "corpus.jsonl");
  writeFileSync(corpus, lines.join("\n") + "\n");
  await buildGroundingIndex({ corpus, out: join(dir, "corpus.index") });
  return GroundingIndex.open(join(dir, "corpus.index"));
}

describe("grounding retrieval: BM25", () => {
  it("ranks and scores a tiny corpus as an independent computation does", async () => {
    const index = await indexOf([
      exchange("d1", "en", "I cannot sleep at night", "What keeps you awake at night"),
      exchange("d2", "en", "My boss shouts at me at work", "That sounds hard"),
      exchange("d3", "en", "I sleep badly and work too much", "Tell me more about your work"),
      exchange("d4", "en", "My sister and I argue", "What do you argue about"),
      exchange("d5", "en", "Work work work, and no sleep", "That is a lot"),
      exchange("z1", "zh", "我睡不着", "多久了？"),
    ]);
    // Python 3, by hand: words = re.findall("[a-z]+", text.lower()) per exchange (client and
    // counselor text), N = 5, avgdl = mean length, idf = ln(1 + (N - n + 0.5) / (n + 0.5)),
    // score = sum over the query's distinct words of idf·tf·2.2 / (tf + 1.2·(0.25 + 0.75·len/avgdl)).
    // Query words i, can't (in no exchange), sleep, work, is, too, much.
    const expected = [
      ["d3#1", 4.255344096044086],
      ["d5#1", 2.8461119040683105],
      ["d1#1", 1.0698877909280406],
      // d2 and d4 tie (one word each, same df and length): the earlier exchange comes first.
      ["d2#1", 0.5558401413805837],
      ["d4#1", 0.5558401413805837],
    ] as const;
    const hits = index.search({ text: "I can't sleep, work is too much", language: "en", k: 10 });
    assert.deepEqual(
      hits.map((h) => h.id),
      expected.map(([id]) => id),
    );
    hits.forEach((h, i) => assert.ok(Math.abs(h.bm25! - expected[i]![1]) < 1e-9, h.id));
    assert.deepEqual(
      index.search({ text: "I can't sleep", language: "en", k: 2 }).map((h) => h.id),
      ["d1#1", "d3#1"],
    );
    // Another language's exchanges are never returned, and a card's own dialogue can be left out.
    assert.deepEqual(index.search({ text: "睡不着", language: "en", k: 3 }), []);
    // Without d3: sleep and work have the same df, so the shorter d2 (10 words) beats d1 (11).
    assert.deepEqual(
      index.search({ text: "sleep work", language: "en", k: 2, exclude: "d3" }).map((h) => h.id),
      ["d5#1", "d2#1"],
    );
    index.close();
  });

  it("does not spend the query's word budget on words only the left-out dialogue has", async () => {
    // 40 words found only in the card's own dialogue, then one it shares with another.
    const own = Array.from(
      { length: 40 },
      (_, i) => `rare${String.fromCharCode(97 + (i % 26))}${i}`,
    );
    const index = await indexOf([
      exchange("card-1", "en", own.join(" "), "Go on"),
      exchange("other", "en", "My sleep is poor", "Since when"),
      exchange("third", "en", "Work again", "Tell me"),
    ]);
    const text = `${own.join(" ")} sleep`;
    assert.deepEqual(
      index.search({ text, language: "en", k: 3, exclude: "card-1" }).map((h) => h.id),
      ["other#1"],
    );
    index.close();
  });

  it("segments Chinese with jieba before ranking", async () => {
    const index = await indexOf([
      exchange("a", "zh", "我和妈妈经常吵架", "吵架的时候你有什么感受？"),
      exchange("b", "zh", "工作压力很大，总是加班", "加班让你很累吧。"),
      exchange("c", "zh", "最近失眠，晚上睡不着", "失眠多久了？"),
    ]);
    const hit = index.search({ text: "我最近总是失眠", language: "zh", k: 1 })[0]!;
    assert.equal(hit.id, "c#1");
    assert.equal(hit.client, "最近失眠，晚上睡不着");
    assert.equal(hit.counselor, "失眠多久了？");
    index.close();
  });

  it("fuses rankings by reciprocal rank (k = 60)", () => {
    // a: 1/61 + 1/63; b: 1/62 + 1/61; c: 1/63 + 1/62; d: 1/64.
    assert.deepEqual(
      reciprocalRankFusion([
        ["a", "b", "c"],
        ["b", "c", "a", "d"],
      ]),
      ["b", "a", "c", "d"],
    );
  });
});
