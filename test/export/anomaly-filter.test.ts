import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findAnomalies } from "../../src/export/index.js";

describe("findAnomalies (baseline)", () => {
  it("flags the anomalies the paper saw in models trained on real sessions", () => {
    const cases: [string, string, string][] = [
      ["我是王老师，你可以叫我王老师。", "personal-name", "王老师"],
      ["我叫李明华，是你的咨询师。", "personal-name", "我叫李明华"],
      ["Hi, my name is Sarah and I'll be with you today.", "personal-name", "my name is Sarah"],
      ["有需要可以打13812345678联系我。", "phone-number", "13812345678"],
      ["可以拨打心理援助热线400-161-9995。", "phone-number", "400-161-9995"],
      ["Call me at (555) 123-4567.", "phone-number", "(555) 123-4567"],
      ["请你先填写一下这份SCL-90量表。", "questionnaire", "SCL-90"],
      ["Could you fill out this questionnaire first?", "questionnaire", "questionnaire"],
      ["今天的时间到了，我们下次继续。", "session-time-up", "时间到了"],
      ["I'm afraid our time is up for today.", "session-time-up", "our time is up"],
    ];
    for (const [reply, kind, match] of cases)
      assert.deepEqual(findAnomalies(reply), [{ kind, match }], reply);
  });

  it("leaves ordinary counseling replies alone, the counselor persona's own name included", () => {
    for (const reply of [
      "你好，我是小天，今天想聊些什么？",
      "听起来你和妈妈之间的沟通让你很累，能多说说那天发生了什么吗？",
      "你觉得这种焦虑，如果用1到10分打分，现在是几分？",
      "I'm Xiaotian. What brings you here today?",
      "On a scale of 1 to 10, how anxious do you feel right now?",
      "我是高三学生的家长。",
      "期待下次见到你，保重。",
    ]) {
      assert.deepEqual(findAnomalies(reply), [], reply);
    }
  });
});
