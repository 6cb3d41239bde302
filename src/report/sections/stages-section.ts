import type { Language } from "../../core/language.js";
import { HILL_SKILLS, HILL_STAGES, type HillSkill } from "../../evaluation/stages/hill-stages.js";
import type { CounselorStages } from "../../evaluation/stages/stages-report.js";
import { chartText } from "../chart-text.js";
import { judgeNote, ofKind, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable } from "../report-page.js";
import { stageSharesSpec } from "../stage-shares-chart.js";
import type { ReportTable } from "../table-one.js";

const TEXT: Record<
  Language,
  {
    title: string;
    group: string;
    sessions: string;
    tau: string;
    reached: string;
    firstAction: string;
    skips: string;
    unlabelled: string;
    how: string[];
    baseline: string;
    unnamed: string;
    skills: string;
    skillsNote: string;
    skillNames: Record<HillSkill, string>;
  }
> = {
  en: {
    title: "Hill's stages: exploration, insight, action (the model of the paper's Figure 9)",
    group: "dataset · counselor",
    sessions: "sessions",
    tau: "progression τ-b (n)",
    reached: "reached action",
    firstAction: "first action turn",
    skips: "skips",
    unlabelled: "unlabelled",
    how: [
      "Every counselor turn gets one of Hill's three stages from the judge named below; the shares are of counselor turns.",
      "Chart: a session's counselor turns are split into tenths by position (turn i of n, counted from 0, falls in tenth ⌊10 (i + ½) / n⌋); each bar is the mean over sessions of each stage's share in that tenth. A tenth no session reached (sessions under ten counselor turns) is left empty, not drawn as zero.",
      "Progression τ-b: per session, Kendall's τ-b (scipy.stats.kendalltau's default) between turn position and stage index (exploration 0, insight 1, action 2), averaged over the n sessions where it is defined (two labelled turns or more, not all one stage). 1 means the stages come strictly in order, −1 strictly backwards.",
      "Reached action: sessions with at least one action turn. First action turn: the counselor turn (counted from 1) where action first appears, averaged over those sessions. Skips: an exploration turn followed directly by an action turn, insight left out. Unlabelled: turns the LLM judge gave no readable label (never guessed; counted in no measure).",
    ],
    baseline:
      "The baseline judge labels by keywords (docs/stages.md): the shares show its rules, not a reading of the turns.",
    unnamed: "(no meta.counselor)",
    skills: "Helping skills the judge named (Hill)",
    skillsNote:
      "Counselor turns naming each skill (in brackets, the stage Hill teaches it under); a turn may name several or none. Skills say what a turn does, the stage what it serves, so they may disagree.",
    skillNames: {
      open_question: "open question",
      closed_question: "closed question",
      restatement: "restatement",
      reflection_of_feelings: "reflection of feelings",
      approval_reassurance: "approval and reassurance",
      challenge: "challenge",
      interpretation: "interpretation",
      self_disclosure: "self-disclosure",
      immediacy: "immediacy",
      information: "information",
      direct_guidance: "direct guidance",
    },
  },
  zh: {
    title: "Hill 助人三阶段：探索、领悟、行动（论文图 9 所依据的模型）",
    group: "数据集 · 咨询师",
    sessions: "会话数",
    tau: "进程 τ-b（n）",
    reached: "到达行动阶段",
    firstAction: "首个行动发言",
    skips: "跳跃",
    unlabelled: "未标注",
    how: [
      "下方所列评判者为每条咨询师发言标注 Hill 三阶段之一；占比均按咨询师发言计算。",
      "图：按位置把一次会话的咨询师发言分成十段（从 0 计数的第 i 条、共 n 条，落在第 ⌊10 (i + ½) / n⌋ 段）；每根柱子是各会话在该段中各阶段占比的平均。没有会话到达的段（咨询师发言不足十条时）留空，而不画成零。",
      "进程 τ-b：每个会话中发言位置与阶段序号（探索 0、领悟 1、行动 2）之间的 Kendall τ-b（scipy.stats.kendalltau 的默认），再对有定义的 n 个会话（至少两条已标注发言且阶段不全相同）求平均。1 表示严格按顺序推进，−1 表示严格倒序。",
      "到达行动阶段：至少有一条行动发言的会话。首个行动发言：行动阶段第一次出现的咨询师发言序号（从 1 计），对这些会话求平均。跳跃：探索发言之后紧接着行动发言，跳过了领悟。未标注：大模型评判没有给出可读标签的发言（从不猜测，不计入任何指标）。",
    ],
    baseline: "基线评判按关键词标注（docs/stages.md）：占比反映的是规则，而不是对发言的理解。",
    unnamed: "（无 meta.counselor）",
    skills: "评判者标出的助人技术（Hill）",
    skillsNote:
      "数字为标出该技术的咨询师发言条数（括号内为 Hill 将其归入的阶段）；一条发言可标出多项或不标。技术说明发言做了什么，阶段说明它服务于什么，两者可能不一致。",
    skillNames: {
      open_question: "开放式提问",
      closed_question: "封闭式提问",
      restatement: "重述",
      reflection_of_feelings: "情感反映",
      approval_reassurance: "认可与安慰",
      challenge: "挑战",
      interpretation: "解释",
      self_disclosure: "自我表露",
      immediacy: "即时化",
      information: "提供信息",
      direct_guidance: "直接指导",
    },
  },
};

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const fixed = (x: number | null, digits: number) => (x === null ? "–" : x.toFixed(digits));

/**
 * `psysim eval stages --json` results: the stacked stage share by tenth of the session for every
 * dataset and counselor in one figure, and per counselor the progression, first action and skips.
 */
export async function stagesSection(b: ReportBuilder): Promise<void> {
  const runs = ofKind(b.options.inputs.evaluations, "stages");
  if (runs.length === 0) return;
  const language = b.options.language;
  const t = TEXT[language];
  const stageName = chartText(language).stages;
  const named = runs.flatMap((run) => {
    const dataset = b.datasetOf(run.result.inputs);
    const judge =
      run.result.settings["judge_baseline"] === true ? "baseline" : run.result.settings["judge"];
    return run.result.aggregates.map((c) => ({
      name: `${dataset} · ${c.counselor === "(unnamed)" ? t.unnamed : c.counselor}`,
      // The model spec without its endpoint (the judge note below names it whole).
      judge: String(judge).split("@")[0]!,
      counselor: c,
    }));
  });
  // One dataset judged twice (baseline and LLM) would share a name, and so a panel: name the judge then.
  const groups = named.map((g) => ({
    ...g,
    name: named.some((o) => o !== g && o.name === g.name) ? `${g.name} · ${g.judge}` : g.name,
  }));
  const figure = await b.figure(
    "stages",
    stageSharesSpec(
      groups.map((g) => ({ name: g.name, share_by_tenth: g.counselor.share_by_tenth })),
      language,
      { stacked: true },
    ),
  );
  const row = (name: string, c: CounselorStages): string[] => [
    name,
    String(c.sessions),
    ...HILL_STAGES.map((s) => pct(c.share[s])),
    `${fixed(c.progression_tau_b_mean, 3)} (${c.progression_defined})`,
    `${c.sessions_with_action} / ${c.sessions}`,
    fixed(c.first_action_turn_mean, 1),
    String(c.skips),
    String(c.unlabelled),
  ];
  const table: ReportTable = {
    head: [
      t.group,
      t.sessions,
      ...HILL_STAGES.map((s) => stageName[s]),
      t.tau,
      t.reached,
      t.firstAction,
      t.skips,
      t.unlabelled,
    ],
    rows: groups.map((g) => row(g.name, g.counselor)),
    numeric: [false, true, true, true, true, true, true, true, true, true],
  };
  const skilled = groups.filter((g) => g.counselor.skills);
  const skillRows = (Object.keys(HILL_SKILLS) as HillSkill[]).filter((k) =>
    skilled.some((g) => (g.counselor.skills?.[k] ?? 0) > 0),
  );
  const skills =
    skillRows.length === 0
      ? ""
      : // One row per dataset and counselor, so a phone stacks it like the table above.
        `<h3>${escapeHtml(t.skills)}</h3>${htmlTable({
          head: [
            t.group,
            ...skillRows.map((k) => `${t.skillNames[k]} (${stageName[HILL_SKILLS[k]]})`),
          ],
          rows: skilled.map((g) => [
            g.name,
            ...skillRows.map((k) => String(g.counselor.skills?.[k] ?? 0)),
          ]),
          numeric: [false, ...skillRows.map(() => true)],
        })}<p class="note">${escapeHtml(t.skillsNote)}</p>`;
  const judges = runs
    .map((run) => {
      const baseline = run.result.settings["judge_baseline"] === true;
      return `<p class="note">${escapeHtml(b.datasetOf(run.result.inputs))} · ${judgeNote(run.result.settings, b.text)}${
        baseline ? ` ${escapeHtml(t.baseline)}` : ""
      }</p>${b.provenance(run)}`;
    })
    .join("");
  b.add(
    "stages",
    t.title,
    `<figure>${figure}</figure>${htmlTable(table)}${skills}${t.how
      .map((p) => `<p class="note">${escapeHtml(p)}</p>`)
      .join("")}${judges}`,
  );
}
