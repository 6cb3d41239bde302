import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ResponseValidator,
  hasEnumeration,
  countWords,
  codePoints,
  wordsAtMost,
} from "../../src/simulation/response-validator.js";
import { SeededRandom } from "../../src/core/random.js";

describe("ResponseValidator (σ, paper §3.5)", () => {
  const zh = new ResponseValidator("zh");
  const en = new ResponseValidator("en", { maxEnglishWords: 10 });

  it("accepts a short single-line reply", () => {
    assert.deepEqual(zh.check("听起来你最近压力很大，能说说发生了什么吗？"), {
      ok: true,
      reasons: [],
    });
    assert.deepEqual(en.check("What happened after that?"), { ok: true, reasons: [] });
  });

  it("counts Chinese length in characters, with 200 allowed and 201 refused", () => {
    assert.equal(zh.check("好".repeat(200)).ok, true);
    assert.deepEqual(zh.check("好".repeat(201)), { ok: false, reasons: ["too_long"] });
  });

  it("counts English length in words against the configured limit", () => {
    assert.equal(countWords("I can't believe it's already Monday, honestly."), 7);
    assert.equal(en.check("one two three four five six seven eight nine ten").ok, true);
    assert.deepEqual(en.check("one two three four five six seven eight nine ten eleven"), {
      ok: false,
      reasons: ["too_long"],
    });
  });

  it("refuses newlines, empty replies, and reports every reason at once", () => {
    assert.deepEqual(zh.check("第一句。\n第二句。"), { ok: false, reasons: ["newline"] });
    assert.deepEqual(zh.check("   "), { ok: false, reasons: ["empty"] });
    assert.deepEqual(zh.check("1. 先休息\n2. 再运动" + "好".repeat(200)), {
      ok: false,
      reasons: ["too_long", "newline", "enumeration"],
    });
  });

  it("recognises enumerations in their common forms", () => {
    for (const text of [
      "你可以：1. 早点睡；2. 多运动。",
      "有两点：1、规律作息 2、适度运动",
      "（1）先觉察情绪",
      "①先休息",
      "一、先停下来",
      "• breathe slowly",
      "Try this: 1) rest, 2) walk.",
      // Issue 12: bare numbers in sequence (the paper's own "1, 2, 3") and numbers glued to the
      // previous item.
      "1 深呼吸，2 散步，3 写日记",
      "1深呼吸，2散步，3写日记",
      "1.深呼吸2.散步",
      "你可以试试1.深呼吸 2.散步",
      "Some ideas: 1 breathe, 2 walk, 3 write it down.",
      // Chinese and English ordinals that open clauses.
      "第一，先照顾好睡眠；第二，找人聊聊。",
      "第一步：觉察情绪。第二步：给它命名。",
      "首先，试着深呼吸；其次，给自己一点时间。",
      "First, notice the feeling. Second, name it.",
      "Firstly, rest; secondly, talk to someone.",
    ]) {
      assert.equal(hasEnumeration(text), true, text);
    }
  });

  it("does not mistake numbers in prose for an enumeration", () => {
    for (const text of [
      "我今年20岁，去年2019.",
      "I moved here in 2019. It was hard.",
      "大概3.5个小时",
      "我考了第1名。",
      "马克·吐温说过",
      // Quantities, dates and single ordinals are prose, even several in one reply.
      "我有1个姐姐，2个弟弟，3只猫。",
      "从 1 月 2 日 3 点开始就睡不着了",
      "I slept 1 hour, then 2 hours, then 3 hours.",
      "大概1、2次吧，最多3次。",
      "每天睡5个小时，已经持续了2周，体重掉了1.5公斤。",
      "这是你第一次和我说起这件事，第二次见面时我们可以再聊。",
      "首先你要照顾好自己，其他的慢慢来。",
      "First, thank you for telling me.",
      "At first it was fine, and the second week was harder.",
      "第一，我很感谢你愿意说出来。",
    ]) {
      assert.equal(hasEnumeration(text), false, text);
    }
  });

  it("bounds words and counts code points exactly as the segmenter and the spread do", () => {
    const random = new SeededRandom(11);
    const pieces = [
      "a",
      "Z",
      "9",
      "_",
      " ",
      "'",
      ".",
      ",",
      "-",
      "3.5",
      "don't",
      "e.g.",
      "\n",
      "\t",
      "#",
      "你",
      "好",
      "😀",
      "é",
      "\ud800",
      "ｶ",
      "x_y",
    ];
    for (let i = 0; i < 3000; i++) {
      const ascii = random.next() < 0.6;
      const text = Array.from({ length: random.int(40) }, () => {
        const piece = pieces[random.int(pieces.length)]!;
        return ascii && /[^\x00-\x7f]/.test(piece) ? "w" : piece;
      }).join("");
      const words = countWords(text);
      for (const limit of [0, words - 1, words, words + 1].filter((n) => n >= 0))
        assert.equal(wordsAtMost(text, limit), words <= limit, JSON.stringify([text, limit]));
      assert.equal(codePoints(text), [...text].length, JSON.stringify(text));
    }
  });
});
