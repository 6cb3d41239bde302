import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  cohensD,
  compareGroups,
  semanticConsistency,
  entropyBits,
  mean,
  median,
  sampleSd,
  summarize,
  welchTTest,
  studentTTest,
  pairedTTest,
} from "../../../src/evaluation/index.js";

// Reference values come from test/evaluation/statistics/reference-statistics.py: Python's `statistics`
// module for means and variances and mpmath's regularised incomplete beta for the t tail
// (p = I_{df/(df+t²)}(df/2, 1/2)), an implementation independent of @stdlib.
const A = [0.41, 0.52, 0.38, 0.47, 0.44, 0.5];
const B = [0.3, 0.27, 0.35, 0.22, 0.31];

function close(actual: number | null, expected: number, digits = 9): void {
  assert.ok(actual !== null, `expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) < 10 ** -digits, `expected ${expected}, got ${actual}`);
}

describe("descriptive statistics", () => {
  it("uses the sample standard deviation (n − 1)", () => {
    close(sampleSd(A), 0.053541261347363374, 12);
    close(sampleSd([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7), 12); // by hand: Σ(x−5)² = 32
  });

  it("summarises an empty sample and a single value without inventing a spread", () => {
    assert.deepEqual(summarize([]), {
      n: 0,
      mean: null,
      sd: null,
      min: null,
      max: null,
      median: null,
    });
    assert.deepEqual(summarize([3]), { n: 1, mean: 3, sd: null, min: 3, max: 3, median: 3 });
  });

  it("takes the median of an even count as the mean of the middle two, with ties", () => {
    assert.equal(median([5, 1, 3, 3]), 3);
    assert.equal(median([4, 1, 2, 3]), 2.5);
    assert.equal(mean([1, 2, 3, 4]), 2.5);
  });
});

describe("welchTTest", () => {
  it("matches an independent computation of t, df and the two-tailed p", () => {
    const r = welchTTest(A, B);
    close(r.t, 5.30544191851744048);
    close(r.df, 8.904527778882603);
    close(r.p, 0.000508010544505635268, 12);
  });

  it("matches the reference for groups of unequal size and spread", () => {
    const r = welchTTest([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 4, 1, 5, 3]);
    close(r.t, 2.10042012604201481);
    close(r.df, 12.876237623762377);
    close(r.p, 0.0559694877198495543, 12);
  });

  it("matches the reference over three rounds, as topic entropies are compared", () => {
    const r = welchTTest([4.517, 4.526, 4.535], [4.855, 4.875, 4.895]);
    close(r.t, -27.5621769218908908, 7);
    close(r.p, 0.000179906939369301195, 10);
  });

  it("is symmetric: swapping the groups flips t and keeps p", () => {
    const ab = welchTTest(A, B);
    const ba = welchTTest(B, A);
    close(ba.t, -ab.t!, 12);
    close(ba.p, ab.p!, 15);
  });

  it("reports no p, with a reason, when it is undefined", () => {
    assert.deepEqual(welchTTest([1], [1, 2]), {
      test: "welch",
      t: null,
      df: null,
      p: null,
      note: "needs at least two values in each group",
    });
    assert.deepEqual(welchTTest([5, 5, 5], [6, 6]), {
      test: "welch",
      t: null,
      df: null,
      p: null,
      note: "both groups have zero variance",
    });
  });

  it("still tests when only one group has zero variance", () => {
    const r = welchTTest([5, 5, 5], [4, 6, 7]);
    // By hand: mean b = 17/3, s_b² = 7/3, se² = 7/9, t = (5 − 17/3)/sqrt(7/9), df = (7/9)² / ((7/9)²/2) = 2.
    close(r.t, (5 - 17 / 3) / Math.sqrt(7 / 9), 12);
    close(r.df, 2, 12);
    // With df = 2 the t CDF has a closed form: F(t) = 1/2 + t / (2·sqrt(2 + t²)).
    const t = r.t!;
    close(r.p, 2 * (0.5 - Math.abs(t) / (2 * Math.sqrt(2 + t * t))), 12);
  });
});

describe("cohensD", () => {
  it("uses the pooled sample standard deviation", () => {
    close(cohensD(A, B), 3.18065606969817881, 12);
    close(cohensD([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 4, 1, 5, 3]), 0.937218426183767702, 12);
  });

  it("is null for one value in a group or no spread at all", () => {
    assert.equal(cohensD([1], [2, 3]), null);
    assert.equal(cohensD([2, 2], [3, 3]), null);
  });

  it("is part of a group comparison beside both summaries", () => {
    const c = compareGroups([1, 2, 3], [2, 3, 4]);
    assert.deepEqual(c.a, { n: 3, mean: 2, sd: 1, min: 1, max: 3, median: 2 });
    assert.equal(c.cohens_d, -1); // by hand: difference −1, pooled sd 1
    close(c.test.t, -1 / Math.sqrt(2 / 3), 12);
    assert.equal(c.test.test, "welch");
    assert.equal(
      compareGroups([1, 2, 3], [2, 3, 4], "paired").test.note,
      "every pair differs by the same amount (no variance)",
    );
  });
});

// Reference values: reference-statistics.py (mpmath's regularised incomplete beta), each also
// reproduced by scipy.stats.ttest_ind(equal_var=True) / ttest_rel to 12+ digits.
describe("studentTTest", () => {
  it("matches the reference with pooled variance and df = n_a + n_b − 2", () => {
    const r = studentTTest(A, B);
    assert.equal(r.test, "student");
    close(r.t, 5.25268062310037848);
    assert.equal(r.df, 9);
    close(r.p, 0.000525820873538104475, 12);
    const u = studentTTest([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 4, 1, 5, 3]);
    close(u.t, 1.71111891110113329);
    assert.equal(u.df, 13);
    close(u.p, 0.110798509348247645, 12);
  });

  it("tests a single value against a group, which Welch cannot", () => {
    const r = studentTTest([7], [1, 2, 3]);
    close(r.t, 4.33012701892219323);
    assert.equal(r.df, 2);
    close(r.p, 0.0494136242132831298, 12);
    assert.equal(welchTTest([7], [1, 2, 3]).p, null);
  });

  it("has no p for empty groups, too few values or no variance at all", () => {
    const none = (note: string) => ({ test: "student", t: null, df: null, p: null, note });
    assert.deepEqual(
      studentTTest([], [1, 2, 3]),
      none("needs a value in each group and at least three in all"),
    );
    assert.deepEqual(
      studentTTest([1], [2]),
      none("needs a value in each group and at least three in all"),
    );
    assert.deepEqual(studentTTest([4, 4], [4, 4, 4]), none("both groups have zero variance"));
  });
});

describe("pairedTTest", () => {
  // True vs random mapping of seven sessions (overlap under the session's own card and another's).
  const T = [0.31, 0.28, 0.4, 0.35, 0.22, 0.3, 0.27];
  const R = [0.12, 0.15, 0.2, 0.09, 0.14, 0.18, 0.11];

  it("matches the reference on the per-pair differences, df = n − 1", () => {
    const r = pairedTTest(T, R);
    close(r.t, 7.22445645597904822);
    assert.equal(r.df, 6);
    close(r.p, 0.00035665508375553392, 12);
    // The same values as independent groups: Welch ignores the pairing, so t and df differ.
    assert.equal(welchTTest(T, R).test, "welch");
    assert.notEqual(welchTTest(T, R).t, r.t);
  });

  it("gives t = 0 and p = 1 when the differences cancel (ties)", () => {
    const r = pairedTTest([1, 2, 3, 4], [1, 3, 2, 4]);
    assert.equal(r.t, 0);
    assert.equal(r.df, 3);
    close(r.p, 1, 12);
  });

  it("has no p for fewer than two pairs or differences without variance", () => {
    const none = (note: string) => ({ test: "paired", t: null, df: null, p: null, note });
    assert.deepEqual(pairedTTest([], []), none("needs at least two pairs"));
    assert.deepEqual(pairedTTest([3], [1]), none("needs at least two pairs"));
    assert.deepEqual(pairedTTest([1, 2], [1, 2]), none("every pair is equal"));
    assert.deepEqual(
      pairedTTest([2, 3, 4], [1, 2, 3]),
      none("every pair differs by the same amount (no variance)"),
    );
  });

  it("refuses unequal lengths, which would mean the pairs were lost", () => {
    assert.throws(() => pairedTTest([1, 2], [1]), /paired t-test needs pairs: 2 values against 1/);
  });
});

describe("entropyBits", () => {
  it("is two bits for four equally likely labels and log2 of the count in general", () => {
    assert.equal(entropyBits([5, 5, 5, 5]), 2);
    close(entropyBits(Array(56).fill(1)), Math.log2(56), 12);
  });

  it("matches a hand computation for an uneven distribution and ignores zero counts", () => {
    // −(3/8·log2 3/8 · 2 + 2/8·log2 2/8) = 1.561278124459133 (Python math.log2)
    close(entropyBits([3, 3, 2, 0]), 1.561278124459133, 12);
  });

  it("is zero for one label or none, and rejects negative counts", () => {
    assert.equal(entropyBits([7]), 0);
    assert.equal(entropyBits([]), 0);
    assert.throws(() => entropyBits([1, -1]), RangeError);
  });
});

describe("semanticConsistency", () => {
  it("computes Eq. 2 and is null for a zero vector", () => {
    close(semanticConsistency([1, 2, 3], [4, 5, 6]), 32 / (Math.sqrt(14) * Math.sqrt(77)), 14);
    assert.equal(semanticConsistency([1, 0], [-1, 0]), -1);
    assert.equal(semanticConsistency([0, 0], [1, 2]), null);
    assert.throws(() => semanticConsistency([1], [1, 2]), RangeError);
  });
});

describe("zero spread", () => {
  it("is exactly zero for identical values whose mean rounds, so no test is run on them", () => {
    const x = 0.1; // (0.1 + 0.1 + 0.1) / 3 is not exactly 0.1 in floating point
    assert.equal(sampleSd([x, x, x]), 0);
    assert.equal(welchTTest([x, x, x], [x, x, x]).note, "both groups have zero variance");
  });
});
