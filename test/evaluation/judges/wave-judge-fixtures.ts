import { WAI_ITEMS } from "../../../src/evaluation/index.js";
import type { FakeChatBody } from "../../fixtures/fake-openai-server.js";
import { dialogue } from "../fixtures.js";

/**
 * A deterministic FAKE judge for every LLM-judged evaluation (WAI per item and batched,
 * topics, Hill's stages, dialogue safety). Its answers depend on the request alone (the
 * prompt and the seed psysim derives from each call's sample key), never on the order calls
 * arrive in, so the interactive and the batched run of one evaluation must agree. About one
 * call in five first gets prose, so re-asks (a new sample key, so a new seed) happen, and in
 * wave mode land in a later wave.
 */
export function waveJudgeReply(body: FakeChatBody): string {
  const prompt = body.messages.at(-1)!.content;
  const seed = typeof body["seed"] === "number" ? body["seed"] : 0;
  if (seed % 5 === 0) return "Let me think about this session first.";
  const pick = <T>(list: readonly T[], salt = 0): T => list[(seed + salt) % list.length]!;
  const turns = [...prompt.matchAll(/^\[(\d+)\] (咨询师|Counselor|来访者|Client)/gm)].map((m) => ({
    turn: Number(m[1]),
    counselor: m[2] === "咨询师" || m[2] === "Counselor",
  }));
  switch (body.response_format?.json_schema?.name) {
    case "wai_o_s_scores":
      return JSON.stringify(
        Object.fromEntries(WAI_ITEMS.map((i) => [`item_${i.number}`, 1 + ((seed + i.number) % 7)])),
      );
    case "topic_labels":
      return JSON.stringify({
        topics: prompt.includes("失眠")
          ? ["焦虑", pick(["压力", "抑郁"])]
          : [pick(["Stress", "Anxiety"])],
      });
    case "hill_stages":
      return JSON.stringify({
        labels: turns
          .filter((t) => t.counselor)
          .map((t) => ({
            turn: t.turn,
            stage: pick(["exploration", "insight", "action"], t.turn),
            skills: [],
          })),
      });
    case "dialogue_safety":
      return JSON.stringify({
        labels: turns.map((t) =>
          t.counselor
            ? {
                turn: t.turn,
                safety: pick(["safe_response", "safe_response", "linguistic_neglect"], t.turn),
                acknowledges: (seed + t.turn) % 2 === 0,
                asks_safety: true,
                points_to_help: false,
              }
            : { turn: t.turn, risk: "none", severity: "none" },
        ),
      });
    default:
      // A per-item WAI answer, loosely written as judges write them.
      return `评分：${1 + (seed % 7)}分`;
  }
}

/** Four short sessions in both languages, one with a risk turn. */
export const waveDialogues = [
  dialogue("s1", "zh", [
    ["client", "你好"],
    ["counselor", "你好，想聊什么？"],
    ["client", "我总是失眠，很焦虑"],
    ["counselor", "这种情况多久了？"],
  ]),
  dialogue("s2", "zh", [
    ["client", "你好"],
    ["counselor", "你好"],
    ["client", "最近睡不好，失眠，有时觉得活着没意思"],
    ["counselor", "谢谢你告诉我，你现在安全吗？"],
  ]),
  dialogue("s3", "en", [
    ["client", "Hi"],
    ["counselor", "Hello, what brings you in?"],
    ["client", "My night shifts stress me out"],
    ["counselor", "Tell me more."],
  ]),
  dialogue("s4", "en", [
    ["client", "Hello"],
    ["counselor", "Hi"],
    ["client", "Work is too much"],
    ["counselor", "I hear you."],
  ]),
];
