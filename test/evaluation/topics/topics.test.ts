import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { CallCache, withCallCache } from "../../../src/llm/call-cache.js";
import { taskOf, type ChatModel, type ChatRequest } from "../../../src/llm/chat-model.js";
import {
  evaluateTopics,
  parseTopicLabels,
  readTopicList,
  SMILE_TOPICS,
  topicAggregates,
  type TopicSession,
} from "../../../src/evaluation/index.js";
import { ScriptedChatModel } from "../../fixtures/scripted-chat-model.js";
import { tempDir, writeTemp } from "../../helpers.js";
import { dialogue } from "../fixtures.js";

const roundOf = (r: ChatRequest) => taskOf(r, "topics").detail.round;

describe("the default topic list", () => {
  it("has SMILE's 56 topics numbered 1–56 with distinct English and Chinese names", () => {
    assert.deepEqual(
      SMILE_TOPICS.map((t) => t.id),
      Array.from({ length: 56 }, (_, i) => i + 1),
    );
    assert.equal(new Set(SMILE_TOPICS.map((t) => t.en)).size, 56);
    assert.equal(new Set(SMILE_TOPICS.map((t) => t.zh)).size, 56);
    assert.ok(SMILE_TOPICS.every((t) => /[\u4e00-\u9fff]/.test(t.zh)));
    assert.deepEqual(SMILE_TOPICS[54], {
      id: 55,
      en: "Self-harm / suicidal tendencies",
      zh: "自伤/自杀倾向",
    });
  });
});

describe("parseTopicLabels", () => {
  it("matches names in either language, with numbering, case and slash spacing aside, and list numbers", () => {
    assert.deepEqual(
      parseTopicLabels(
        '{"topics": ["焦虑", "31. depression", "Emotion regulation/control methods consultation", 33, "焦虑"]}',
        SMILE_TOPICS,
      ),
      {
        labels: { topics: [32, 31, 30, 33], invented: [], unreadable: [] },
      },
    );
    assert.deepEqual(parseTopicLabels('```json\n["人际冲突 / 纠纷"]\n```', SMILE_TOPICS), {
      labels: { topics: [39], invented: [], unreadable: [] },
    });
  });

  it("keeps invented labels apart from listed ones", () => {
    assert.deepEqual(parseTopicLabels('{"topics": ["Anxiety", "Pet allergies"]}', SMILE_TOPICS), {
      labels: { topics: [32], invented: ["pet allergies"], unreadable: [] },
    });
  });

  it("reads list numbers sent as strings, and counts every entry it cannot read", () => {
    // Issue 12: the JSON schema asks for strings, so judges answer "12" for topic 12.
    assert.deepEqual(
      parseTopicLabels(
        '{"topics": ["12", " #31. ", "３３", 99, "", {"id": 5}, 2.5, "Anxiety"]}',
        SMILE_TOPICS,
      ),
      {
        labels: {
          topics: [12, 31, 33, 32],
          invented: [],
          unreadable: ["99", '""', '{"id":5}', "2.5"],
        },
      },
    );
  });

  it("rejects answers without JSON, without topics or with numbers off the list", () => {
    assert.deepEqual(parseTopicLabels("Anxiety and depression", SMILE_TOPICS), {
      error: "no JSON in the answer",
    });
    assert.deepEqual(parseTopicLabels('{"topics": []}', SMILE_TOPICS), {
      error: "no topics named",
    });
    assert.deepEqual(parseTopicLabels('{"labels": ["Anxiety"]}', SMILE_TOPICS), {
      error: 'expected {"topics": [...]}',
    });
    assert.deepEqual(parseTopicLabels('{"topics": [99, "0"]}', SMILE_TOPICS), {
      error: 'no topic named; unreadable: 99, "0"',
    });
  });
});

describe("topicAggregates", () => {
  it("computes each round's entropy in bits, limited and unlimited, by hand", () => {
    const topics = SMILE_TOPICS.slice(0, 3);
    const sessions: TopicSession[] = [
      {
        dialogue_id: "a",
        rounds: [
          { round: 1, labels: { topics: [1, 2], invented: [], unreadable: ["99"] }, attempts: 1 },
          { round: 2, labels: { topics: [1], invented: [] }, attempts: 1 },
        ],
      },
      {
        dialogue_id: "b",
        rounds: [
          { round: 1, labels: { topics: [1], invented: [] }, attempts: 1 },
          { round: 2, labels: { topics: [2], invented: [] }, attempts: 1 },
        ],
      },
      {
        dialogue_id: "c",
        rounds: [
          { round: 1, labels: { topics: [3], invented: ["x"] }, attempts: 1 },
          { round: 2, labels: null, attempts: 3, error: "no JSON in the answer" },
        ],
      },
    ];
    const agg = topicAggregates(sessions, topics, 2);
    // Round 1 listed counts {2, 1, 1}: H = 1.5 bits; with "x": {2, 1, 1, 1}: H = 1.9219280948873623 (Python math.log2).
    assert.equal(agg.rounds[0]!.entropy_limited, 1.5);
    assert.ok(Math.abs(agg.rounds[0]!.entropy_unlimited - 1.9219280948873623) < 1e-12);
    // Round 2: session c missing; counts {1, 1}: H = 1 bit.
    assert.deepEqual(agg.rounds[1], {
      round: 2,
      entropy_limited: 1,
      entropy_unlimited: 1,
      sessions_labelled: 2,
      sessions_missing: 1,
      listed_labels: 2,
      invented_labels: 0,
      unreadable_labels: 0,
    });
    assert.equal(agg.rounds[0]!.unreadable_labels, 1);
    assert.equal(agg.entropy_limited.mean, 1.25);
    assert.ok(Math.abs(agg.entropy_limited.sd! - Math.SQRT1_2 / 2) < 1e-12); // sample sd of {1.5, 1} = 0.25·√2
    assert.deepEqual(
      agg.distribution.map((d) => [d.id, d.share, d.mean_count]),
      [
        [1, (0.5 + 0.5) / 2, 1.5],
        [2, (0.25 + 0.5) / 2, 1],
        [3, 0.25 / 2, 0.5],
      ],
    );
    assert.deepEqual(agg.invented, [{ label: "x", count: 1 }]);
  });
});

describe("evaluateTopics", () => {
  const sessions = [
    dialogue("d1", "zh", [
      ["client", "我最近很焦虑"],
      ["counselor", "能多说说吗？"],
      ["client", "晚上睡不着"],
      ["counselor", "嗯"],
    ]),
    dialogue("d2", "en", [
      ["client", "My boss yells at me"],
      ["counselor", "That sounds hard."],
    ]),
  ];

  it("labels each session's client turns in three rounds with the numbered list in its language", async () => {
    const judge = new ScriptedChatModel((r) =>
      r.task?.language === "zh"
        ? '{"topics": ["焦虑", "心身症状（睡眠、食欲、疼痛）"]}'
        : roundOf(r) === 2
          ? '{"topics": ["Job dissatisfaction", "Stress"]}'
          : '{"topics": ["Job dissatisfaction"]}',
    );
    const result = await evaluateTopics(sessions, { judge });
    assert.equal(judge.calls.length, 6);
    const zh = judge.calls.find((r) => r.sampleKey === "d1/topics/round-1/attempt-1")!;
    assert.equal(zh.jsonSchema?.name, "topic_labels");
    assert.equal(zh.task?.kind, "topics");
    assert.match(zh.messages[0]!.content, /我最近很焦虑\n晚上睡不着/);
    assert.ok(
      !zh.messages[0]!.content.includes("能多说说吗"),
      "only the client's turns are labelled",
    );
    assert.match(zh.messages[0]!.content, /\n32\. 焦虑\n/);
    assert.match(
      judge.calls.find((r) => r.sampleKey === "d2/topics/round-1/attempt-1")!.messages[0]!.content,
      /\n32\. Anxiety\n/,
    );
    assert.deepEqual(
      result.sessions[1]!.rounds.map((r) => r.labels?.topics),
      [[43], [43, 33], [43]],
    );
    // Rounds 1 and 3: {32, 22, 43} → log2 3; round 2: {32, 22, 43, 33} → 2 bits.
    assert.deepEqual(
      result.aggregates.rounds.map((r) => r.entropy_limited),
      [Math.log2(3), 2, Math.log2(3)],
    );
    assert.equal(result.settings["rounds"], 3);
  });

  it("records a JSON schema the judge ran without as a warning, also when replayed from the cache", async () => {
    const cache = CallCache.open(join(tempDir(), "cache.sqlite"));
    const local: ChatModel = {
      id: "llama-cpp:judge.gguf",
      complete: async () => ({
        content: '{"topics": ["焦虑"]}',
        usage: { prompt_tokens: 1, completion_tokens: 1, calls: 1, cached_calls: 0, cost_usd: 0 },
        schemaNotEnforced: "no grammar",
      }),
    };
    const judge = withCallCache(local, cache);
    const first = await evaluateTopics(sessions.slice(0, 1), { judge, rounds: 1 });
    const again = await evaluateTopics(sessions.slice(0, 1), { judge, rounds: 1 });
    cache.close();
    const warning =
      'llama-cpp:judge.gguf: the JSON schema "topic_labels" was not enforced (no grammar); replies were parsed strictly';
    assert.deepEqual(first.warnings, [warning]);
    assert.equal(again.usage.cached_calls, 1);
    assert.deepEqual(again.warnings, [warning]);
    const plain = await evaluateTopics(sessions.slice(0, 1), {
      judge: new ScriptedChatModel(['{"topics": ["焦虑"]}']),
      rounds: 1,
    });
    assert.equal("warnings" in plain, false);
  });

  it("asks again after an unusable answer and records the round as missing when attempts run out", async () => {
    const judge = new ScriptedChatModel((r) =>
      r.sampleKey.startsWith("d1/topics/round-1/")
        ? "焦虑"
        : r.sampleKey.endsWith("attempt-1")
          ? "I think: stress"
          : '{"topics": ["Stress"]}',
    );
    const result = await evaluateTopics(sessions, { judge, rounds: 2, maxAttempts: 2 });
    assert.deepEqual(result.sessions[0]!.rounds[0], {
      round: 1,
      labels: null,
      attempts: 2,
      error: "no JSON in the answer",
    });
    assert.deepEqual(result.sessions[0]!.rounds[1], {
      round: 2,
      labels: { topics: [33], invented: [], unreadable: [] },
      attempts: 2,
    });
    assert.equal(result.aggregates.rounds[0]!.sessions_missing, 1);
  });
});

describe("readTopicList", () => {
  it("reads one topic a line from text and en/zh objects from JSON, refusing duplicates", async () => {
    const dir = tempDir();
    assert.deepEqual(
      await readTopicList(writeTemp(dir, "t.txt", "# my topics\nAnxiety\n\nSleep\n")),
      [
        { id: 1, en: "Anxiety", zh: "Anxiety" },
        { id: 2, en: "Sleep", zh: "Sleep" },
      ],
    );
    assert.deepEqual(
      await readTopicList(
        writeTemp(
          dir,
          "t.json",
          JSON.stringify([
            { id: 7, en: "Anxiety", zh: "焦虑" },
            { en: "Sleep", zh: "睡眠" },
          ]),
        ),
      ),
      [
        { id: 7, en: "Anxiety", zh: "焦虑" },
        { id: 2, en: "Sleep", zh: "睡眠" },
      ],
    );
    await assert.rejects(readTopicList(writeTemp(dir, "d.txt", "Anxiety\nanxiety\n")), {
      message: /d\.txt:2: topic "anxiety" is already on line 1/,
    });
  });
});
