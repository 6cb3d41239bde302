import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  LexicalEmbeddingModel,
  semanticConsistency,
  segmentWords,
  vocabulary,
  vocabularyOverlap,
} from "../../../src/evaluation/index.js";

describe("segmentWords", () => {
  it("segments Chinese with jieba and drops punctuation", () => {
    assert.deepEqual(segmentWords("我和妈妈吵架，很焦虑。", "zh"), [
      "我",
      "和",
      "妈妈",
      "吵架",
      "很",
      "焦虑",
    ]);
    assert.deepEqual(segmentWords("……！？", "zh"), []);
  });

  it("segments English into lower-cased words, keeping contractions whole", () => {
    assert.deepEqual(segmentWords("I don't feel OK — really!\nSee you.", "en"), [
      "i",
      "don't",
      "feel",
      "ok",
      "really",
      "see",
      "you",
    ]);
  });
});

describe("vocabularyOverlap", () => {
  it("is the share of the card's distinct words the client uses (Eq. 1), by hand for English", () => {
    // Card words {i, feel, anxious, about, my, exams, and, mother} (8); the client shares my, exams, anxious, mother (4).
    const card = vocabulary("I feel anxious about my exams and my mother.", "en");
    const client = vocabulary("My exams make me anxious, mother says relax.", "en");
    assert.equal(card.size, 8);
    assert.equal(vocabularyOverlap(client, card), 4 / 8);
  });

  it("is computed on jieba words for Chinese, by hand", () => {
    // Card: 我/和/妈妈/吵架/很/焦虑 (6); client: 妈妈/说/我/太/焦虑/了 shares 我, 妈妈, 焦虑 (3).
    assert.equal(
      vocabularyOverlap(
        vocabulary("妈妈说我太焦虑了！", "zh"),
        vocabulary("我和妈妈吵架，很焦虑。", "zh"),
      ),
      3 / 6,
    );
  });

  it("leaves stop words out of both sides", () => {
    const stop = new Set(["my"]);
    const card = vocabulary("I feel anxious about my exams and my mother.", "en", stop);
    const client = vocabulary("My exams make me anxious, mother says relax.", "en", stop);
    assert.equal(vocabularyOverlap(client, card), 3 / 7);
  });

  it("is 0 for a client who said nothing and null for a card without words", () => {
    assert.equal(vocabularyOverlap(new Set(), vocabulary("anxious mother", "en")), 0);
    assert.equal(vocabularyOverlap(vocabulary("hello", "en"), vocabulary("!!! ...", "en")), null);
  });
});

describe("LexicalEmbeddingModel", () => {
  it("is labelled as the offline baseline", () => {
    const model = new LexicalEmbeddingModel();
    assert.equal(model.id, "lexical-baseline");
    assert.equal(model.isBaseline, true);
  });

  it("gives unit vectors, identical for identical word bags and orthogonal-ish for disjoint ones", async () => {
    const model = new LexicalEmbeddingModel({ dimension: 4096 });
    const [a, b, c, empty] = await model.embed([
      "我很焦虑，妈妈",
      "妈妈，我很焦虑",
      "工作 老板 加班",
      "",
    ]);
    assert.ok(Math.abs(Math.hypot(...a!) - 1) < 1e-12);
    assert.ok(Math.abs(semanticConsistency(a!, b!)! - 1) < 1e-12);
    assert.ok(Math.abs(semanticConsistency(a!, c!)!) < 0.2);
    assert.equal(semanticConsistency(a!, empty!), null, "an empty text has no direction");
  });
});
