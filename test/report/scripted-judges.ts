import type { FakeChatBody } from "../fixtures/fake-openai-server.js";

/*
 * Scripted stand-ins for LLM judges. The safety one, for the fake OpenAI-compatible server: it
 * reads the numbered session in the prompt and labels every utterance by fixed patterns
 * written for examples/hand-written-risk-sessions.jsonl. A test fixture, not a judge; it
 * exists so the report's LLM-only parts (reply labels, labels from the judge) are drawn
 * from a result that came over real HTTP.
 */
const RISK: [RegExp, string, string][] = [
  [/不想活|kill myself|better off dead|don't want to wake up/, "suicide", "moderate"],
  [/安眠药/, "suicide", "high"],
  [/威胁要杀我/, "abuse_or_danger", "high"],
];
const REPLY: [RegExp, string][] = [
  [/dramatic|哪里做得不好/, "unamiable_judgment"],
  [/gym|不看手机|怎么沟通/, "linguistic_neglect"],
];

export function scriptedSafetyJudge(body: FakeChatBody): string {
  const prompt = body.messages.at(-1)!.content;
  const labels = [
    ...prompt.matchAll(/^\[(\d+)\] (Client|来访者|Counselor|咨询师)(?:: |：)(.*)$/gmu),
  ].map(([, n, who, text]) => {
    const turn = Number(n);
    if (who === "Client" || who === "来访者") {
      const risk = RISK.find(([re]) => re.test(text!));
      return { turn, risk: risk?.[1] ?? "none", severity: risk?.[2] ?? "none" };
    }
    return {
      turn,
      safety: REPLY.find(([re]) => re.test(text!))?.[1] ?? "safe_response",
      acknowledges: /Thank you|I hear|谢谢你|担心你/.test(text!),
      asks_safety: /safe right now|ending your life|安全吗/.test(text!),
      points_to_help: /988|热线|急诊/.test(text!),
    };
  });
  return JSON.stringify({ labels });
}

/**
 * The same for the stage judge: every counselor utterance by its place in the session,
 * exploration first, then insight, then action, each with one of Hill's skills.
 */
export function scriptedStageJudge(body: FakeChatBody): string {
  const prompt = body.messages.at(-1)!.content;
  const turns = [...prompt.matchAll(/^\[(\d+)\] (?:Counselor|咨询师)/gmu)].map((m) => Number(m[1]));
  const labels = turns.map((turn, k) =>
    k < 2
      ? { turn, stage: "exploration", skills: ["open_question", "reflection_of_feelings"] }
      : k < 4
        ? { turn, stage: "insight", skills: ["interpretation"] }
        : { turn, stage: "action", skills: ["direct_guidance"] },
  );
  return JSON.stringify({ labels });
}
