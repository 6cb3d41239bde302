import { basename } from "node:path";
import type { Language } from "../core/language.js";
import type { TopicsResult } from "../evaluation/topics/topics-report.js";
import type { WaiResult } from "../evaluation/wai/wai-report.js";
import { textTable } from "../evaluation/dialogue-stats/stats-table.js";
import { WAI_FACTORS } from "../evaluation/wai/wai-items.js";
import { meanSd } from "./comparison-table.js";

/** A dataset's display name: its file's base name without the extension. */
export function datasetName(file: string): string {
  return basename(file).replace(/\.(jsonl|json)$/i, "");
}

/** Chinese topic names when most sessions are Chinese, English otherwise. */
export function chartLanguage(settings: Record<string, unknown>): Language {
  const counts = (settings["languages"] ?? {}) as Partial<Record<Language, number>>;
  return (counts.zh ?? 0) > (counts.en ?? 0) ? "zh" : "en";
}

/** The language most of these sessions are in (English on a tie), for charts. */
export function mainLanguage(sessions: readonly { language: Language }[]): Language {
  const zh = sessions.filter((s) => s.language === "zh").length;
  return zh > sessions.length - zh ? "zh" : "en";
}

/** The judge as outputs name it: a rule-based baseline always says it is not an LLM. */
export function judgeLabel(settings: Record<string, unknown>): string {
  return `${String(settings["judge"])}${settings["judge_baseline"] ? " (rule-based baseline, not an LLM)" : ""}`;
}

/** Factor means ± sd over sessions, the overall score, and what is missing. */
export function formatWaiSummary(result: WaiResult): string {
  const a = result.aggregates;
  const rows = [
    ["WAI-O-S", "mean ± sd (n sessions)"],
    ...WAI_FACTORS.map((f) => [
      f[0]!.toUpperCase() + f.slice(1),
      `${meanSd(a.factors[f])} (${a.factors[f].n})`,
    ]),
    ["All items", `${meanSd(a.total)} (${a.total.n})`],
  ];
  return [
    textTable(rows),
    `judge ${judgeLabel(result.settings)}, ${String(result.settings["mode"])} mode, ${String(result.settings["rounds"])} rounds; items 4 and 10 reversed (8 - x); ${a.missing_ratings} item-round rating${a.missing_ratings === 1 ? "" : "s"} missing`,
  ].join("\n");
}

/** Entropy per round and over rounds, the most frequent topics, and invented labels. */
export function formatTopicsSummary(result: TopicsResult, top = 10): string {
  const a = result.aggregates;
  const language = chartLanguage(result.settings);
  const rows = [
    ["entropy (bits)", ...a.rounds.map((r) => `round ${r.round}`), "mean ± sd"],
    [
      "limited (listed topics)",
      ...a.rounds.map((r) => r.entropy_limited.toFixed(3)),
      meanSd(a.entropy_limited),
    ],
    [
      "unlimited (with invented)",
      ...a.rounds.map((r) => r.entropy_unlimited.toFixed(3)),
      meanSd(a.entropy_unlimited),
    ],
  ];
  const topTopics = [...a.distribution]
    .filter((t) => t.share > 0)
    .sort((x, y) => y.share - x.share)
    .slice(0, top);
  const missing = a.rounds.reduce((n, r) => n + r.sessions_missing, 0);
  const invented = a.invented.reduce((n, x) => n + x.count, 0);
  const unreadable = a.rounds.reduce((n, r) => n + (r.unreadable_labels ?? 0), 0);
  return [
    textTable(rows),
    `top topics: ${topTopics.map((t) => `${t[language]} ${(100 * t.share).toFixed(1)}%`).join(", ") || "none"}`,
    `judge ${judgeLabel(result.settings)}; ${invented} invented label${invented === 1 ? "" : "s"} (${a.invented.length} distinct); ${unreadable} unreadable label${unreadable === 1 ? "" : "s"} (counted, not used); ${missing} session-round${missing === 1 ? "" : "s"} missing`,
  ].join("\n");
}
