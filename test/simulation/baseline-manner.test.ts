import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readDialogues, type RoleCard } from "../../src/core/index.js";
import { utteranceLength } from "../../src/evaluation/dialogue-stats/dialogue-stats.js";
import { createBaselineChatModel } from "../../src/llm/providers/baseline.js";
import { simulate } from "../../src/simulation/simulate.js";
import { tempDir } from "../helpers.js";
import { card } from "./fixtures.js";

type Style = NonNullable<RoleCard["style"]> | undefined;

/** Runs the baseline over 6 cards in one style and returns the client's utterances after the greeting. */
async function clientTurns(style: Style, language: "zh" | "en", prefix: string = style ?? "none") {
  const cards = Array.from({ length: 6 }, (_, i) => ({
    ...card(`${prefix}-${language}-${i}`, language),
    ...(style ? { style } : {}),
  }));
  const out = join(tempDir(), "d.jsonl");
  const baseline = createBaselineChatModel();
  await simulate(
    { cards, out, seed: 3, concurrency: 2 },
    { client: baseline, counselor: baseline },
  );
  const dialogues = await readDialogues(out);
  return dialogues.flatMap((d) =>
    d.turns
      .filter((t) => t.role === "client")
      .slice(1)
      .map((t) => t.content),
  );
}

const meanLength = (turns: string[], language: "zh" | "en") =>
  turns.reduce((s, t) => s + utteranceLength(t, language), 0) / turns.length;

const agreeing = (t: string) =>
  /你说得太对|同意你|懂我|so right|agree with you|understand me/u.test(t);

describe("baseline client plays the card's style by rule (measured on runs)", () => {
  for (const language of ["zh", "en"] as const) {
    it(`reserved is shorter and verbose longer than an unstyled client (${language})`, async () => {
      const [none, reserved, verbose] = await Promise.all([
        clientTurns(undefined, language),
        clientTurns("reserved", language),
        clientTurns("verbose", language),
      ]);
      const [n, r, v] = [none, reserved, verbose].map((t) => meanLength(t, language));
      assert.ok(r! < 0.8 * n!, `reserved ${r} vs none ${n}`);
      assert.ok(v! > 1.5 * n!, `verbose ${v} vs none ${n}`);
    });
  }

  it("tangent drifts to topics the session never raised; pleasing agrees far more often", async () => {
    const [none, tangent, pleasing] = await Promise.all([
      clientTurns(undefined, "en"),
      clientTurns("tangent", "en"),
      clientTurns("pleasing", "en"),
    ]);
    const offTopic = (turns: string[]) =>
      turns.filter((t) => /noodle|cat as a kid|weather/.test(t)).length / turns.length;
    assert.equal(offTopic(none), 0);
    assert.ok(offTopic(tangent) > 0.4, String(offTopic(tangent)));
    const agree = (turns: string[]) => turns.filter(agreeing).length / turns.length;
    assert.equal(agree(none), 0);
    assert.ok(agree(pleasing) > 0.4, String(agree(pleasing)));
  });

  it("shows the style in some turns, not all; plain talks as an unstyled card does", async () => {
    const verbose = await clientTurns("verbose", "zh");
    const plainLike = verbose.filter((t) => utteranceLength(t, "zh") < 40).length;
    assert.ok(plainLike > 0 && plainLike < verbose.length);
    assert.deepEqual(
      await clientTurns("plain", "zh", "same"),
      await clientTurns(undefined, "zh", "same"),
    );
  });
});
