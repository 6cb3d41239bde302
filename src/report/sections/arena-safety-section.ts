import type { ArenaCounselorSafety, ArenaSafetyResult } from "../../arena/arena-safety-rates.js";
import type { Language } from "../../core/language.js";
import { DIALOGUE_SAFETY_LABELS } from "../../evaluation/safety/dialogue-safety.js";
import { judgeNote, ofKind, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable } from "../report-page.js";
import type { ReportTable } from "../table-one.js";

// The section's own words, kept here so it adds nothing to the shared report text.
const EN = {
  title: "Arena safety: every counselor's candidate replies",
  counselor: "Counselor",
  rank: "Rank",
  replies: "Replies",
  judged: "Judged",
  unsafe: "Unsafe % (95% CI)",
  atRisk: "At risk",
  acknowledges: "Acknowledged",
  asksSafety: "Asked safety",
  pointsToHelp: "Pointed to help",
  followed: "All three % (95% CI)",
  label: "Label",
  labels:
    "Share of each counselor's judged replies with each dialogue-safety label (Qiu et al. 2023), count in brackets.",
  notJudged: "not judged",
  ranks: "Rank is the leaderboard's, from the ratings of the same battles file.",
  method:
    "Every candidate reply the battles hold is labelled once, whichever side won. Judged: replies with a dialogue-safety label; unsafe is any label but safe_response. At risk: replies whose client turn before was at risk; the protocol columns are shares of those. Intervals are 95% Wilson score intervals.",
  honesty:
    "The crisis lexicon finds only explicit language, and the rule-based baseline does not judge replies against the taxonomy. No label here replaces a clinician's judgement.",
};
type Words = typeof EN;

const TEXT: Record<Language, Words> = {
  en: EN,
  zh: {
    title: "竞技场安全：各咨询师的候选回复",
    counselor: "咨询师",
    rank: "排名",
    replies: "回复数",
    judged: "已评判",
    unsafe: "不安全 %（95% 置信区间）",
    atRisk: "风险之后",
    acknowledges: "回应了风险",
    asksSafety: "询问了安全",
    pointsToHelp: "指向了求助",
    followed: "三步俱全 %（95% 置信区间）",
    label: "标签",
    labels: "各咨询师已评判回复中每个对话安全标签（Qiu 等，2023）的比例，括号内为条数。",
    notJudged: "未评判",
    ranks: "排名取自同一对战文件的评分排行榜。",
    method:
      "对战中的每条候选回复都只标注一次，与胜负无关。已评判：有对话安全标签的回复；除 safe_response 以外的标签都算不安全。风险之后：前一条来访者发言有风险的回复，三个流程列是其中的比例。区间为 95% Wilson 得分区间。",
    honesty:
      "危机词表只能发现明确的表达，基于规则的基线也不按该分类评判回复。这里的任何标签都不能代替临床工作者的判断。",
  },
};

const percent = (x: number | null): string => (x === null ? "–" : `${(100 * x).toFixed(1)}%`);
const tenths = (x: number): string => (100 * x).toFixed(1);
// Without % signs inside: the header says %, and the table must fit beside the page's others.
const withInterval = (x: number | null, ci: [number, number] | null): string =>
  x === null ? "–" : `${tenths(x)}${ci ? ` (${tenths(ci[0])}–${tenths(ci[1])})` : ""}`;

/** The rank of each counselor on a leaderboard rated from the same battles file, if the report has one. */
function leaderboardRanks(b: ReportBuilder, result: ArenaSafetyResult): Map<string, number> {
  const battles = result.inputs.find((r) => r.role === "battles")?.sha256;
  for (const ratings of ofKind(b.options.inputs.evaluations, "ratings")) {
    if (!ratings.result.inputs.some((r) => r.sha256 === battles)) continue;
    const board =
      ratings.result.leaderboards["all"] ?? Object.values(ratings.result.leaderboards)[0];
    if (board) return new Map(board.rows.map((row) => [row.model, row.rank]));
  }
  return new Map();
}

function summaryTable(
  rows: readonly ArenaCounselorSafety[],
  ranks: ReadonlyMap<string, number>,
  t: Words,
): ReportTable {
  const ranked = ranks.size > 0;
  const head = [
    t.counselor,
    ...(ranked ? [t.rank] : []),
    t.replies,
    t.judged,
    t.unsafe,
    t.atRisk,
    t.acknowledges,
    t.asksSafety,
    t.pointsToHelp,
    t.followed,
  ];
  return {
    head,
    rows: rows.map((c) => [
      c.counselor,
      ...(ranked ? [String(ranks.get(c.counselor) ?? "–")] : []),
      String(c.replies),
      String(c.replies_labelled),
      c.replies_labelled === 0 ? t.notJudged : withInterval(c.unsafe_rate, c.unsafe_ci95),
      String(c.at_risk),
      percent(c.protocol.acknowledges),
      percent(c.protocol.asks_safety),
      percent(c.protocol.points_to_help),
      withInterval(c.protocol.followed, c.followed_ci95),
    ]),
    numeric: head.map((_, k) => k > 0),
  };
}

/** Label shares with one column per counselor: eight rows read on a phone, eight columns would not. */
function labelTable(rows: readonly ArenaCounselorSafety[], t: Words): ReportTable {
  const judged = rows.filter((c) => c.label_rates !== null);
  return {
    head: [t.label, ...judged.map((c) => c.counselor)],
    // Spaced, not snake_case, so a long label can wrap on a phone.
    rows: DIALOGUE_SAFETY_LABELS.map((label) => [
      label.replace(/_/g, " "),
      ...judged.map((c) => `${percent(c.label_rates![label])} (${c.safety_labels[label] ?? 0})`),
    ]),
    numeric: [false, ...judged.map(() => true)],
  };
}

/** Per-counselor safety of the arena's replies (`eval safety --battles --json`), beside the leaderboard. */
export function arenaSafetySection(b: ReportBuilder): void {
  const runs = ofKind(b.options.inputs.evaluations, "arena-safety");
  if (runs.length === 0) return;
  const t = TEXT[b.options.language];
  const parts = runs.map((run) => {
    const { result } = run;
    const ranks = leaderboardRanks(b, result);
    // The leaderboard's row order, not its rank: counselors whose intervals overlap share a rank.
    const position = new Map([...ranks.keys()].map((model, i) => [model, i]));
    const rows = [...result.aggregates].sort(
      (x, y) =>
        (position.get(x.counselor) ?? Infinity) - (position.get(y.counselor) ?? Infinity) ||
        x.counselor.localeCompare(y.counselor),
    );
    const judged = result.aggregates.some((c) => c.label_rates !== null);
    return `<div class="arena-safety-summary">${htmlTable(summaryTable(rows, ranks, t))}</div>${
      judged ? htmlTable(labelTable(rows, t), t.labels) : ""
    }<p class="note">${judgeNote(result.settings, b.text)}${ranks.size > 0 ? ` · ${escapeHtml(t.ranks)}` : ""}</p>${b.provenance(run)}`;
  });
  b.add(
    "arena-safety",
    t.title,
    `<p>${escapeHtml(t.method)}</p><p class="note">${escapeHtml(t.honesty)}</p>${parts.join("")}`,
  );
}
