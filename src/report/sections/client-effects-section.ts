import type { Language } from "../../core/language.js";
import { LENGTH_UNITS } from "../../evaluation/dialogue-stats/dialogue-stats.js";
import type { StatsDataset } from "../../evaluation/dialogue-stats/stats-report.js";
import { WAI_FACTORS } from "../../evaluation/wai/wai-items.js";
import type { Summary } from "../../evaluation/statistics/descriptive-stats.js";
import type { LoadedEvaluation } from "../report-inputs.js";
import { escapeHtml, htmlTable } from "../report-page.js";
import type { ReportTable } from "../table-one.js";
import { chartText } from "../chart-text.js";

/** What the section needs of the report being built (the builder's own shape, whatever file it lives in). */
export interface SectionHost {
  options: { language: Language; inputs: { evaluations: readonly LoadedEvaluation[] } };
  provenance(evaluation: LoadedEvaluation): string;
  add(id: string, title: string, html: string): void;
}

const TEXT = {
  en: {
    title: "Client manner and follow-up sessions, by group",
    intro:
      "From stats --by and eval wai --by results (docs/clients.md): how the clients of each group talk, and the working alliance per group. The answered share counts counselor questions (? or ？) followed by a client turn that does not decline, change the subject or answer without substance.",
    group: "group",
    sessions: "sessions",
    turns: "avg. turns",
    length: (l: Language) => `client utterance, ${l} (${LENGTH_UNITS[l]})`,
    answered: "answered share",
    wai: "WAI-O-S",
    baseline:
      "Made with psysim's rule-based baseline (not an LLM): the numbers show the rules, not a model.",
  },
  zh: {
    title: "来访者风格与后续会谈（分组）",
    intro:
      "来自 stats --by 与 eval wai --by 的结果（docs/clients.md）：各组来访者怎样说话，以及各组的工作同盟。回答比例：咨询师的提问（含 ? 或 ？）之后，来访者那一轮没有拒答、岔开话题或敷衍，即算回答。",
    group: "分组",
    sessions: "会谈数",
    turns: "平均轮数",
    length: (l: Language) => `来访者话语长度，${l}（${l === "zh" ? "字" : "词"}）`,
    answered: "回答比例",
    wai: "WAI-O-S",
    baseline: "由 psysim 的规则基线（非 LLM）生成：数字反映的是规则，而不是模型。",
  },
};

const fixed = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? "–" : x.toFixed(digits);
const meanSd = (s: Summary) =>
  s.mean === null
    ? "–"
    : `${s.mean.toFixed(2)} ± ${s.sd === null ? "–" : s.sd.toFixed(2)} (${s.n})`;

/**
 * The per-group effect of a client setting (style, resistance level) or of the session's place
 * in a follow-up series: client utterance length, turns, answered share from grouped `stats`,
 * WAI per group from grouped `eval wai`. Absent when no input was grouped.
 */
export function clientEffectsSection(host: SectionHost): void {
  const t = TEXT[host.options.language];
  const evaluations = host.options.inputs.evaluations;
  const blocks: string[] = [];
  const isBaseline = (e: LoadedEvaluation) =>
    JSON.stringify(e.result.settings ?? {}).includes('"judge_baseline":true');
  for (const e of evaluations) {
    if (e.kind !== "stats") continue;
    const groups = e.result.aggregates.filter((a): a is StatsDataset & { group: object } =>
      Boolean(a.group),
    );
    if (groups.length === 0) continue;
    const languages = (["zh", "en"] as const).filter((l) => groups.some((g) => g.by_language[l]));
    const table: ReportTable = {
      head: [t.group, t.sessions, t.turns, ...languages.map(t.length), t.answered],
      rows: groups.map((g) => [
        `${g.group!.field}=${g.group!.value}`,
        String(g.stats.sessions),
        fixed(g.stats.avg_turns),
        ...languages.map((l) => fixed(g.by_language[l]?.avg_client_length)),
        g.answers?.share === null || g.answers === undefined
          ? "–"
          : `${(g.answers.share * 100).toFixed(1)}% (${g.answers.answered} / ${g.answers.asked})`,
      ]),
      numeric: [false, true, true, ...languages.map(() => true), true],
    };
    blocks.push(htmlTable(table) + host.provenance(e));
  }
  for (const e of evaluations) {
    if (e.kind !== "wai" || !e.result.by_group) continue;
    const table: ReportTable = {
      head: [
        t.group,
        t.sessions,
        ...WAI_FACTORS.map((f) => chartText(host.options.language).waiFactors[f]),
        t.wai,
      ],
      rows: e.result.by_group.map((g) => [
        `${g.field}=${g.value}`,
        String(g.sessions),
        ...WAI_FACTORS.map((f) => meanSd(g.aggregates.factors[f])),
        meanSd(g.aggregates.total),
      ]),
      numeric: [false, true, true, true, true, true],
    };
    const note = isBaseline(e) ? `<p class="note">${escapeHtml(t.baseline)}</p>` : "";
    blocks.push(htmlTable(table) + note + host.provenance(e));
  }
  if (blocks.length === 0) return;
  host.add(
    "client-effects",
    t.title,
    `<p class="note">${escapeHtml(t.intro)}</p>${blocks.join("")}`,
  );
}
