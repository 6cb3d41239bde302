import type { Language } from "../../core/language.js";
import { taskOf, type ChatRequest } from "../chat-model.js";

/**
 * The baseline's memory between follow-up sessions: not a summary written by a model but a few
 * rules over session k's turns (the client's first substantial line, the counselor's last
 * suggestion, how long the session ran), prefixed with the earlier memory. The text says it is a
 * baseline, so it can never pass for an LLM's note.
 */
const WORDS: Record<
  Language,
  {
    label: { counselor: string; client: string };
    note: (k: number, topic: string, homework: string, turns: number, before: string) => string;
    recollection: (k: number, topic: string, homework: string, before: string) => string;
    none: string;
    suggestion: RegExp;
  }
> = {
  zh: {
    label: { counselor: "[基线规则摘要，非LLM]", client: "[基线规则回忆，非LLM]" },
    note: (k, topic, homework, turns, before) =>
      `${before}第${k}次：来访者谈到“${topic}”。作业：${homework}。进展：本次${turns}轮。`,
    recollection: (k, topic, homework, before) =>
      `${before}第${k}次我说了“${topic}”。咨询师留给我的：${homework}。`,
    none: "无",
    suggestion: /试|这周|一周/u,
  },
  en: {
    label: {
      counselor: "[baseline rule-based note, not an LLM]",
      client: "[baseline rule-based recollection, not an LLM]",
    },
    note: (k, topic, homework, turns, before) =>
      `${before}Session ${k}: the client talked about "${topic}". Homework: ${homework}. Progress: ${turns} turns this session.`,
    recollection: (k, topic, homework, before) =>
      `${before}In session ${k} I said "${topic}". What the counselor left me with: ${homework}.`,
    none: "none",
    suggestion: /\btry\b|this week/iu,
  },
};

const clip = (text: string, n: number) => {
  const chars = [...text.trim()];
  return chars.length <= n ? chars.join("") : chars.slice(0, n).join("") + "…";
};

export function baselineMemoryHandler(request: ChatRequest): string {
  const { language, detail } = taskOf(request, "memory");
  const w = WORDS[language];
  const label = w.label[detail.perspective];
  const client = detail.turns.filter((t) => t.role === "client").map((t) => t.content);
  const counselor = detail.turns.filter((t) => t.role === "counselor").map((t) => t.content);
  // The greeting says nothing; the first line after it is the complaint as first told.
  const topic = clip(client[1] ?? client[0] ?? "", 30);
  // The last suggestion before the closing line (which may name "next time" without setting anything).
  const suggestion = counselor
    .slice(0, -1)
    .reverse()
    .find((line) => w.suggestion.test(line));
  const homework = suggestion ? clip(suggestion, 40) : w.none;
  const before = detail.previous.replace(label, "").trim();
  const sep = before === "" ? "" : language === "zh" ? "" : " ";
  const prefix = before === "" ? "" : clip(before, 160) + sep;
  const body =
    detail.perspective === "counselor"
      ? w.note(detail.session_index, topic, homework, counselor.length, prefix)
      : w.recollection(detail.session_index, topic, homework, prefix);
  return `${label}${language === "zh" ? "" : " "}${body}`;
}
