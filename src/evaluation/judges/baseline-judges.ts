import { taskOf, type ChatModel } from "../../llm/chat-model.js";
import { createBaselineChatModel, type BaselineHandler } from "../../llm/providers/baseline.js";
import { WAI_ITEMS, waiItem, type WaiFactor } from "../wai/wai-items.js";

/**
 * Rule-based BASELINE judges for offline runs (`--judge baseline`). They read the task's
 * `detail.session_text`, look for a few surface cues and are not an LLM: outputs name the
 * judge `baseline` and mark it as such. They exist so the pipeline runs without a model.
 */
const CUES: Record<WaiFactor, RegExp> = {
  bond: /谢谢|感谢|信任|thank|trust|appreciate/i,
  task: /有道理|可以试试|试一试|好的|makes sense|i'?ll try|you'?re right|that helps/i,
  goal: /目标|计划|改变|希望能|goal|plan|change|want to be able/i,
};

function baselineScore(item: number, text: string): number {
  const { factor, reversed } = waiItem(item);
  // Start at 4 = no evidence, as the manual asks; one step toward the alliance per factor cue.
  const toward = CUES[factor].test(text) ? 1 : 0;
  return reversed ? 4 - toward : 4 + toward;
}

const waiHandler: BaselineHandler = (request) => {
  const { detail } = taskOf(request, "wai");
  const text = detail.session_text;
  if (detail.mode === "batched")
    return JSON.stringify(
      Object.fromEntries(WAI_ITEMS.map((i) => [`item_${i.number}`, baselineScore(i.number, text)])),
    );
  return String(baselineScore(detail.item, text));
};

const topicsHandler: BaselineHandler = (request) => {
  const { detail, language } = taskOf(request, "topics");
  const topics = detail.topics.filter((t) => t.length > 0);
  const text = detail.session_text.toLowerCase();
  // A topic matches when any part of its name (split at slashes and brackets) occurs in the client's words.
  const found = topics.filter((name) =>
    name
      .split(/[/／()（）、,，]/)
      .map((p) => p.trim().toLowerCase())
      .some((p) => p.length >= 2 && text.includes(p)),
  );
  return JSON.stringify({
    topics: found.length > 0 ? found : [language === "zh" ? "未分类" : "unclassified"],
  });
};

export function baselineJudgeModel(): ChatModel {
  return createBaselineChatModel({ wai: waiHandler, topics: topicsHandler });
}

/** The judge for a spec: the model the LLM layer resolves, or psysim's baseline judges when that model is the baseline. */
export async function resolveJudge(
  spec: string,
  resolve: (spec: string) => Promise<ChatModel>,
): Promise<ChatModel> {
  const model = await resolve(spec);
  return model.isBaseline ? baselineJudgeModel() : model;
}
