import type { Language } from "../core/language.js";

/** Every word a chart prints, in the reader's language (`--lang zh|en`). */
export interface ChartText {
  sessions: string;
  trueMapping: string;
  randomMapping: string;
  overlapTitle: string;
  overlapAxis: string;
  cosineTitle: string;
  cosineAxis: string;
  embedding: (label: string, baseline: boolean) => string;
  topicsTitle: string;
  topicsAxis: string;
  waiTitle: string;
  waiAxis: string;
  waiFactors: { goal: string; task: string; bond: string };
  ratingsTitle: string;
  ratingsAxis: string;
  ratingsSubtitle: (rounds: number) => string;
  bradleyTerry: string;
  elo: string;
  judge: (name: string) => string;
  battlesTitle: string;
  battlesLegend: string;
  stagesTitle: string;
  stagesAxis: string;
  stagesShare: string;
  stages: { exploration: string; insight: string; action: string };
}

const EN: ChartText = {
  sessions: "sessions",
  trueMapping: "true mapping",
  randomMapping: "random mapping",
  overlapTitle: "Vocabulary overlap (Eq. 1): true vs random mapping",
  overlapAxis: "vocabulary overlap rate",
  cosineTitle: "Semantic consistency (Eq. 2): true vs random mapping",
  cosineAxis: "cosine similarity",
  embedding: (label, baseline) =>
    `embedding: ${label}${baseline ? " (rule-based baseline, not a neural model)" : ""}`,
  topicsTitle: "Topic distribution",
  topicsAxis: "share of topic labels (mean over rounds)",
  waiTitle: "WAI-O-S scores",
  waiAxis: "score (1–7; items 4 and 10 reversed)",
  waiFactors: { goal: "Goal", task: "Task", bond: "Bond" },
  ratingsTitle: "Counselor ratings",
  ratingsAxis: "rating (mean = 1000)",
  ratingsSubtitle: (rounds) =>
    rounds > 0 ? `lines: 95% bootstrap intervals (${rounds} rounds)` : "no bootstrap intervals",
  bradleyTerry: "Bradley–Terry",
  elo: "Elo",
  judge: (name) => `judge: ${name}`,
  battlesTitle: "Battles between each pair of counselors",
  battlesLegend: "battles",
  stagesTitle: "Hill's stages through the session",
  stagesAxis: "part of the session (counselor turns)",
  stagesShare: "share of counselor turns",
  stages: { exploration: "exploration", insight: "insight", action: "action" },
};

/** `ratings --by judge` keys that are words rather than model names. */
const ZH_JUDGE_KINDS: Record<string, string> = {
  human: "人工",
  llm: "大模型",
  baseline: "规则基线",
};

const ZH: ChartText = {
  sessions: "会话数",
  trueMapping: "真实映射",
  randomMapping: "随机映射",
  overlapTitle: "词汇重叠率（公式 1）：真实映射与随机映射",
  overlapAxis: "词汇重叠率",
  cosineTitle: "语义一致性（公式 2）：真实映射与随机映射",
  cosineAxis: "余弦相似度",
  embedding: (label, baseline) =>
    `向量模型：${label}${baseline ? "（基于规则的基线，不是神经网络模型）" : ""}`,
  topicsTitle: "话题分布",
  topicsAxis: "话题标签占比（各轮平均）",
  waiTitle: "WAI-O-S 评分",
  waiAxis: "评分（1–7；第 4、10 项反向计分）",
  waiFactors: { goal: "目标", task: "任务", bond: "情感联结" },
  ratingsTitle: "咨询师评分",
  ratingsAxis: "评分（均值 = 1000）",
  ratingsSubtitle: (rounds) =>
    rounds > 0 ? `线段：95% 自助法置信区间（${rounds} 轮）` : "无自助法置信区间",
  bradleyTerry: "Bradley–Terry",
  elo: "Elo",
  judge: (name) => `评判者：${ZH_JUDGE_KINDS[name] ?? name}`,
  battlesTitle: "每对咨询师之间的对战次数",
  battlesLegend: "对战次数",
  stagesTitle: "Hill 助人阶段在会谈中的分布",
  stagesAxis: "会谈进程（按咨询师发言）",
  stagesShare: "咨询师发言占比",
  stages: { exploration: "探索", insight: "领悟", action: "行动" },
};

export function chartText(language: Language): ChartText {
  return language === "zh" ? ZH : EN;
}
