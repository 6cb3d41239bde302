import type { FakeChatBody } from "../fixtures/fake-openai-server.js";

/**
 * Scripted replies by model name for arena tests on the fake OpenAI-compatible server:
 * a test fixture, not a model. "warm" asks questions, "flat" does not; both say goodbye at
 * turn 3, so sessions end by the termination rule.
 */
export function arenaReply(body: FakeChatBody, judge: (prompt: string) => string): string {
  const last = body.messages.at(-1)!.content;
  const turn = body.messages.filter((m) => m.role === "user").length;
  switch (body.model) {
    case "client":
      return "I keep worrying about it at night.";
    case "warm":
      return turn >= 3
        ? "You have carried a lot today; take care until next time."
        : "What feels hardest about that for you?";
    case "flat":
      return turn >= 3 ? "Okay, take care." : "Okay.";
    case "flat-transcript": {
      const lines = (last.match(/^User: /gm) ?? []).length;
      return lines >= 3 ? "Fine, take care." : "Fine.";
    }
    case "judge":
      return judge(last);
    default:
      throw new Error(`unexpected model ${body.model}`);
  }
}

/** Picks the reply with a question mark or "carried"; when both or neither have one, refuses to choose. */
export function sensibleJudge(prompt: string): string {
  const a = /^Response A: (.*)$/m.exec(prompt)![1]!;
  const b = /^Response B: (.*)$/m.exec(prompt)![1]!;
  const good = (text: string) => text.includes("?") || text.includes("carried");
  if (good(a) === good(b)) return "Both replies are equally thin; I cannot choose.";
  return `- Basis for selection: one reply invites the client to explore.\n- Final choice: ${good(a) ? "A" : "B"}`;
}
