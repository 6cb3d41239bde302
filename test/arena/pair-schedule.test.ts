import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { schedulePairs } from "../../src/arena/pair-schedule.js";

const cards = Array.from({ length: 100 }, (_, k) => ({ id: `card-${k}` }));
const six = ["SoulChat", "MeChat", "PsyChat", "CPsyCounX", "simpsybot_D", "simpsybot_Q"];

function meetingCounts(sessions: Array<{ pair: [string, string] }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { pair } of sessions) {
    const key = [...pair].sort().join(" × ");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe("Pair scheduling", () => {
  it("uses every card once and spreads 100 sessions over 15 pairs as 6 or 7 each", () => {
    const sessions = schedulePairs(six, cards, { seed: 1 });
    assert.equal(sessions.length, 100);
    assert.deepEqual(new Set(sessions.map((s) => s.card.id)).size, 100);
    const counts = meetingCounts(sessions);
    assert.equal(counts.size, 15);
    // 100 = 15·6 + 10: ten pairs meet 7 times, five meet 6 times.
    assert.deepEqual([...counts.values()].sort(), [6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
  });

  it("gives each pair exactly N sessions with --sessions-per-pair, cycling cards, sides alternating", () => {
    const sessions = schedulePairs(["A", "B", "C"], cards.slice(0, 2), {
      seed: 4,
      sessionsPerPair: 4,
    });
    assert.equal(sessions.length, 12);
    assert.deepEqual([...meetingCounts(sessions).values()], [4, 4, 4]);
    const firstSide = new Map<string, number>();
    for (const { pair } of sessions) firstSide.set(pair[0], (firstSide.get(pair[0]) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(firstSide), { A: 4, B: 4, C: 4 });
    assert.equal(new Set(sessions.map((s) => s.id)).size, 12);
  });

  it("is fixed by the seed", () => {
    assert.deepEqual(
      schedulePairs(six, cards, { seed: 9 }),
      schedulePairs(six, cards, { seed: 9 }),
    );
    assert.notDeepEqual(
      schedulePairs(six, cards, { seed: 9 }),
      schedulePairs(six, cards, { seed: 10 }),
    );
  });

  it("refuses fewer than two distinct counselors or no cards", () => {
    assert.throws(
      () => schedulePairs(["A", "A"], cards, { seed: 1 }),
      /at least two different counselors/,
    );
    assert.throws(() => schedulePairs(["A", "B"], [], { seed: 1 }), /at least one role card/);
  });
});
