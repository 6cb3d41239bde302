import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TerminationRule } from "../../src/simulation/termination-rule.js";

describe("TerminationRule (g, paper Table 2)", () => {
  it("fires on a Chinese phrase anywhere in the reply and names it", () => {
    const g = new TerminationRule("zh");
    assert.equal(g.match("今天就到这里吧，保重，期待下次见到你。"), "保重");
    assert.equal(g.match("期待再次和你聊聊。"), "期待再次");
    assert.equal(g.match("你愿意多说一些吗？"), undefined);
  });

  it("prefers the longest phrase when several overlap", () => {
    assert.equal(new TerminationRule("zh").match("那我们下次见。"), "下次见");
    assert.equal(new TerminationRule("en").match("See you next time!"), "see you next time");
  });

  it("matches English phrases case-insensitively, as whole words, across spacing", () => {
    const g = new TerminationRule("en");
    assert.equal(g.match("Take  care of yourself."), "take care");
    assert.equal(g.match("GOOD LUCK with the interview"), "good luck");
    assert.equal(g.match("The nexttimer app"), undefined);
    assert.equal(g.match("What would you like to talk about?"), undefined);
  });

  it("uses a configured phrase list instead of the defaults", () => {
    const g = new TerminationRule("en", ["farewell"]);
    assert.equal(g.match("Take care."), undefined);
    assert.equal(g.match("Farewell, friend."), "farewell");
    assert.equal(new TerminationRule("en", []).match("goodbye"), undefined);
  });
});
