import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseSupervisorAnswer } from "../../src/arena/supervisor-answer.js";

describe("Supervisor answer parsing", () => {
  const picks: Array<[string, "A" | "B"]> = [
    ["- 选择的依据：回复A更贴近来访者的情绪。\n- 最后的选择：A", "A"],
    ["- 最后的选择：B。", "B"],
    ["最后的选择: Ｂ", "B"],
    ["**最后的选择**：**A**", "A"],
    ["最终选择：回复B", "B"],
    ["最后的选择：【A】", "A"],
    ["最后的选择：A（其中X属于[A, B]，括号内容不要输出）", "A"],
    ["- Basis for selection: B asks one open question.\n- Final choice: B", "B"],
    ["Final Choice: **A**", "A"],
    ["**Final choice:** Response B", "B"],
    ["FINAL CHOICE: [A]", "A"],
    ["My final answer is B.", "B"],
    ["Final choice: A\n\nFinal choice: A", "A"],
    ["Final choice: A (Response A reflects the feeling)", "A"],
  ];
  for (const [text, letter] of picks) {
    it(`reads ${JSON.stringify(text.split("\n").at(-1))} as ${letter}`, () => {
      assert.deepEqual(parseSupervisorAnswer(text), { letter });
    });
  }

  const unparsed: Array<[string, "missing" | "ambiguous"]> = [
    ["Both responses are reasonable; I prefer the first one.", "missing"],
    ["回复A更好。", "missing"],
    ["- 最后的选择：X", "missing"],
    ["Final choice: a response that validates feelings", "missing"],
    ["", "missing"],
    ["最后的选择：A 或 B", "ambiguous"],
    ["Final choice: A/B", "ambiguous"],
    ["Final choice: A, since B is cold", "ambiguous"],
    ["最后的选择：A\n……\n最后的选择：B", "ambiguous"],
  ];
  for (const [text, reason] of unparsed) {
    it(`refuses to guess from ${JSON.stringify(text)} (${reason})`, () => {
      assert.deepEqual(parseSupervisorAnswer(text), { letter: null, reason });
    });
  }
});
