import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { crisisTerms } from "../../src/simulation/crisis-lexicon.js";

describe("crisis lexicon", () => {
  it("finds Chinese and English crisis words, case-blind, on NFKC text", () => {
    assert.deepEqual(crisisTerms("我最近真的不想活了，有时候想自杀。"), ["自杀", "不想活"]);
    assert.deepEqual(crisisTerms("Sometimes I want to KILL MYSELF."), ["kill myself"]);
    assert.deepEqual(crisisTerms("I think about self harm"), ["self-harm", "self harm"]);
    assert.deepEqual(crisisTerms("ｓｕｉｃｉｄｅ"), ["suicide"], "full-width letters");
  });

  it("matches English entries as whole words only and finds nothing in ordinary worries", () => {
    assert.deepEqual(crisisTerms("That game was overkill myself included"), []);
    assert.deepEqual(crisisTerms("我最近睡不好，工作压力很大。"), []);
    assert.deepEqual(crisisTerms("I can't sleep before exams."), []);
  });
});
