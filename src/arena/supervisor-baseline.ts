import type { Language } from "../core/language.js";
import { taskOf, type ChatRequest } from "../llm/chat-model.js";
import { createBaselineChatModel, type BaselineHandler } from "../llm/providers/baseline.js";
import type { ChatModel } from "../llm/chat-model.js";

/** How long a reply may be before the baseline counts it against the reply (σ's limits). */
const LIMIT: Record<Language, (text: string) => boolean> = {
  zh: (text) => [...text].length <= 200,
  en: (text) => text.split(/\s+/).filter(Boolean).length <= 120,
};

function score(text: string, language: Language): number {
  let s = 0;
  if (/[?？]/u.test(text)) s += 1; // an open or clarifying question (Figure 13 rules 3–5)
  if (LIMIT[language](text)) s += 1;
  if (/\n/u.test(text)) s -= 1;
  return s;
}

/**
 * psysim's rule-based BASELINE supervisor — not an LLM, never presented as one: it prefers
 * the reply that asks a question and keeps within σ's length, and breaks ties with the
 * request's seeded pick. Battles it judges are signed `baseline:…`. It exists so the arena
 * runs offline (demo, tests); its verdicts say nothing about counseling quality.
 */
export const baselineSupervisor: BaselineHandler = (request: ChatRequest, pick) => {
  const { language, detail } = taskOf(request, "supervisor");
  const a = score(detail.candidates.A, language);
  const b = score(detail.candidates.B, language);
  const letter = a > b ? "A" : b > a ? "B" : pick(2) === 0 ? "A" : "B";
  return language === "zh"
    ? `- 选择的依据：（基线规则，非大模型）优先选择提出问题且长度合适的回复。\n- 最后的选择：${letter}`
    : `- Basis for selection: (rule-based baseline, not an LLM) prefers the reply that asks a question and stays within the length limit.\n- Final choice: ${letter}`;
};

/** The offline baseline model with the supervisor role added. */
export function baselineSupervisorModel(): ChatModel {
  return createBaselineChatModel({ supervisor: baselineSupervisor });
}
