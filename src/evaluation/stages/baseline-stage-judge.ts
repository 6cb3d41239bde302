import type { Language } from "../../core/language.js";
import type { HillStage } from "./hill-stages.js";

/** What the baseline judge says of one counselor turn, and which rule said it. */
export interface StageLabel {
  stage: HillStage;
  /** The cue that decided (the matched text), or "default" when no cue matched. */
  rule: string;
}

export const BASELINE_STAGE_JUDGE = "baseline (not an LLM)";

/*
 * Keyword cues per stage, psysim's own, after Hill's skills: action = information and direct
 * guidance (suggestions, plans, practice between sessions); insight = challenges and
 * interpretation (naming patterns, links, what lies beneath). Everything else, chiefly
 * questions and reflections, counts as exploration. Surface words only: a counselor can
 * interpret without these words, and "try" in a question is not guidance.
 */
const CUES: Record<Language, { action: RegExp; insight: RegExp }> = {
  zh: {
    action: /建议|可以试试|试着|试一试|练习|计划|下周|作业|步骤|具体的方法|行动/,
    insight: /注意到|似乎|模式|联系|背后|意味着|也许是因为|可能是因为|有没有可能|矛盾/,
  },
  en: {
    action:
      /\b(i suggest|i'd suggest|you could try|try to|try this|practice|plan|next week|homework|step|strategy|exercise)\b/i,
    insight:
      /\b(i notice|i wonder if|pattern|connect(ed|ion)?|underneath|it seems like|might be because|part of you|on one hand)\b/i,
  },
};

/** The rule-based baseline: action cues first (the latest stage wins), then insight, else exploration. */
export function baselineStage(text: string, language: Language): StageLabel {
  const cues = CUES[language];
  const action = cues.action.exec(text);
  if (action) return { stage: "action", rule: action[0] };
  const insight = cues.insight.exec(text);
  if (insight) return { stage: "insight", rule: insight[0] };
  return { stage: "exploration", rule: "default" };
}
