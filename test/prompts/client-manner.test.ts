import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CLIENT_STYLES, RESISTANCE_LEVELS } from "../../src/core/role-card.js";
import { clientMannerRules } from "../../src/prompts/client-manner.js";
import { loadTemplate } from "../../src/prompts/template.js";
import { ClientAgent } from "../../src/simulation/client-agent.js";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";
import { card } from "../simulation/fixtures.js";

const agent = (c: ReturnType<typeof card>, language: "zh" | "en") =>
  new ClientAgent({
    model: new ScriptedChatModel([]),
    card: c,
    language,
    template: loadTemplate("client", language),
    plannedRounds: 30,
  });

// Figure 7 as the default set words it (src/prompts/templates/client.en.txt), written out by hand
// so a change to the manner mechanism that leaks into unstyled cards fails here.
const FIGURE_7_EN = `You are now playing a client who has come to psychological counseling. This is your personal profile:
Gender: female
Age: 20
Education: undergraduate
Occupation: student
Marital status: single
Family relationships: tense with her mother
Big Five personality traits: 
- Openness: mid
- Conscientiousness: mid
- Extraversion: low
- Agreeableness: high
- Neuroticism: high
Resistance to psychological counseling: moderate
Chief complaint: I procrastinate all the time. I keep fighting with my mom. I don't know what to do.

Rules for how you speak as the client:
1. Talk about your own chief complaint, in the way this client would talk: as colloquial and natural as you can.
2. Answer from your personal profile only.
3. Take your problem apart and lay it out to the counselor gradually, one piece after another.
4. Say one or two sentences each time, and stay in your role.
5. Do not say "thank you" or "goodbye" early.
6. The session is to last 50 rounds of exchange.`;

describe("client manner (style and resistance_level)", () => {
  it("leaves the Figure 7 prompt exactly as it is when a card sets neither field", () => {
    assert.equal(agent(card("c1", "en"), "en").systemPrompt, FIGURE_7_EN);
    assert.equal(clientMannerRules(card("c1"), "zh"), "");
  });

  it("adds the style as rule 7 and the resistance level as rule 8, after Figure 7 unchanged", () => {
    const prompt = agent(
      { ...card("c2", "en"), style: "reserved", resistance_level: "high" },
      "en",
    ).systemPrompt;
    assert.ok(prompt.startsWith(FIGURE_7_EN + "\n"));
    const added = prompt.slice(FIGURE_7_EN.length + 1).split("\n");
    assert.equal(added.length, 2);
    assert.match(
      added[0]!,
      /^7\. Manner of speaking: guarded\. .* some turns .* trust .* five sentences in one turn\.$/,
    );
    assert.match(added[1]!, /^8\. Resistance to counseling: high\. You came reluctantly/);
  });

  it("numbers a lone resistance level as rule 7", () => {
    assert.match(
      clientMannerRules({ ...card("c3"), resistance_level: "low" }, "zh"),
      /^7\. 对咨询的抗拒：低。[^\n]+$/,
    );
  });

  it("has a distinct zh and en instruction for every style and level, in the client's language", () => {
    for (const language of ["zh", "en"] as const) {
      const texts = new Set<string>();
      for (const style of CLIENT_STYLES)
        for (const level of RESISTANCE_LEVELS) {
          const rules = clientMannerRules(
            { ...card("c", language), style, resistance_level: level },
            language,
          );
          const lines = rules.split("\n");
          assert.equal(lines.length, 2, `${style}/${level}`);
          for (const line of lines)
            assert.equal(/[\u4e00-\u9fff]/u.test(line), language === "zh", line);
          texts.add(rules);
        }
      assert.equal(texts.size, CLIENT_STYLES.length * RESISTANCE_LEVELS.length);
    }
  });

  it("gives plain no style behaviours or sentence cap (Patient-Ψ's plain type is empty)", () => {
    const rule = clientMannerRules({ ...card("c4", "en"), style: "plain" }, "en");
    assert.equal(
      rule,
      "7. Manner of speaking: plain. Talk the way you normally would, with no particular manner.",
    );
  });
});
