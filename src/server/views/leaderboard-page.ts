import { html } from "hono/html";
import type { Agreement } from "../../arena/agreement.js";
import type { Leaderboard } from "../../arena/leaderboard.js";
import type { ItemAgreements, RaterPairAgreement } from "../item-agreement.js";
import { chartText } from "../../report/chart-text.js";
import { layout, type Markup, type PageContext } from "./layout.js";
import type { LeaderboardFigures, PageFigure } from "./leaderboard-charts.js";

export interface LeaderboardView {
  /** Per judge kind (`human`, `llm`, `baseline`): a leaderboard, or why there is none. */
  boards: Array<{ kind: string; board: Leaderboard | null; problem?: string }>;
  agreements: ItemAgreements;
  rounds: number;
  figures: LeaderboardFigures;
}

const L = {
  zh: {
    title: "排行榜",
    intro: "Bradley–Terry 评分（95% 自助法区间，均值 1000）与在线 Elo（K=4），按评审类型分开计算。",
    judge: "评审",
    model: "模型",
    rating: "BT 评分",
    interval: "95% 区间",
    rank: "名次",
    elo: "Elo",
    battles: "对战数",
    matrix: "对战次数矩阵（图 14）",
    ratingsFigure: "评分与区间（图 6）",
    tableScroll: "表格（可左右滚动）",
    battleCount: "场对战",
    upvotes: "得票表（表 4）",
    total: "总得票",
    occurrences: "出现会话数",
    average: "平均得票",
    agreement: "一致性",
    judgeVsHuman: "LLM 评审与人类标注员（同一历史、同一对回复）",
    between: "标注员之间（Cohen's κ）",
    pooled: "全部标注员对合并",
    compared: "共同条目",
    accuracy: "一致率",
    kappa: "κ",
    none: "暂无共同评判的条目。",
    noBattles: "还没有对战记录。",
  },
  en: {
    title: "Leaderboard",
    intro:
      "Bradley–Terry ratings (95% bootstrap intervals, mean 1000) and online Elo (K=4), one board per kind of judge.",
    judge: "Judge",
    model: "Model",
    rating: "BT rating",
    interval: "95% interval",
    rank: "Rank",
    elo: "Elo",
    battles: "Battles",
    matrix: "Battle counts (Figure 14)",
    ratingsFigure: "Ratings with intervals (Figure 6)",
    tableScroll: "Table (scrolls sideways)",
    battleCount: "battles",
    upvotes: "Upvotes (Table 4)",
    total: "Upvotes",
    occurrences: "Sessions",
    average: "Average",
    agreement: "Agreement",
    judgeVsHuman: "LLM judges against human annotators (same history, same two replies)",
    between: "Between annotators (Cohen's κ)",
    pooled: "All annotator pairs pooled",
    compared: "Shared items",
    accuracy: "Accuracy",
    kappa: "κ",
    none: "No items judged by both yet.",
    noBattles: "No battles yet.",
  },
};

const fixed = (x: number | null, digits = 1) => (x === null ? "–" : x.toFixed(digits));

function agreementRows(rows: RaterPairAgreement[], s: (typeof L)["zh"], label: string): Markup {
  return rows.length === 0
    ? html`<p class="muted">${s.none}</p>`
    : html`<div class="table-scroll" tabindex="0" role="region" aria-label="${label} (${s.tableScroll})"><table class="list num"><thead><tr><th>${s.judge}</th><th>${s.compared}</th><th>${s.accuracy}</th><th>${s.kappa}</th></tr></thead><tbody>
  ${rows.map((r) => html`<tr><td>${r.judged} / ${r.reference}</td><td>${r.agreement.compared}</td><td>${fixed(r.agreement.accuracy === null ? null : r.agreement.accuracy * 100)}%</td><td>${fixed(r.agreement.kappa, 3)}</td></tr>`)}
</tbody></table></div>`;
}

function pooledRow(a: Agreement, s: (typeof L)["zh"]): Markup | string {
  return a.compared === 0
    ? ""
    : html`<p>${s.pooled}: ${s.compared} ${a.compared}, ${s.accuracy} ${fixed(a.accuracy === null ? null : a.accuracy * 100)}%, κ ${fixed(a.kappa, 3)}</p>`;
}

function figure(f: PageFigure | null | undefined): Markup | string {
  return f ? html`<figure class="chart"><img src="${f.src}" alt="${f.alt}"></figure>` : "";
}

/** Wide tables scroll inside their box on a phone; the page itself never scrolls sideways. */
function board(
  kind: string,
  b: Leaderboard,
  s: (typeof L)["zh"],
  title: string,
  chart?: PageFigure,
): Markup {
  return html`<section class="card-box" id="board-${kind}">
  <h2>${title} (${b.battles} ${s.battleCount})</h2>
  <div class="table-scroll" tabindex="0" role="region" aria-label="${kind}: ${s.rating} (${s.tableScroll})"><table class="list num"><thead><tr><th>${s.model}</th><th>${s.rank}</th><th>${s.rating}</th><th>${s.interval}</th><th>${s.elo}</th><th>${s.battles}</th></tr></thead><tbody>
  ${b.rows.map((r) => html`<tr><td>${r.model}</td><td>${r.rank}</td><td>${fixed(r.rating)}</td><td class="interval">[${fixed(r.lower)}, ${fixed(r.upper)}]</td><td>${fixed(r.elo)}</td><td>${r.battles}</td></tr>`)}
  </tbody></table></div>
  <div class="leaderboard-grid">
  <div><h3>${s.matrix}</h3>
  ${figure(chart)}
  <div class="table-scroll" tabindex="0" role="region" aria-label="${kind}: ${s.matrix} (${s.tableScroll})"><table class="list num"><thead><tr><td></td>${b.matrix.models.map((m) => html`<th scope="col">${m}</th>`)}</tr></thead><tbody>
  ${b.matrix.models.map((m, i) => html`<tr><th scope="row">${m}</th>${b.matrix.counts[i]!.map((n, j) => html`<td>${i === j ? "-" : n}</td>`)}</tr>`)}
  </tbody></table></div></div>
  <div><h3>${s.upvotes}</h3>
  <div class="table-scroll" tabindex="0" role="region" aria-label="${kind}: ${s.upvotes} (${s.tableScroll})"><table class="list num"><thead><tr><th>${s.model}</th><th>${s.total}</th><th>${s.occurrences}</th><th>${s.average}</th></tr></thead><tbody>
  ${b.upvotes.map((u) => html`<tr><td>${u.model}</td><td>${fixed(u.upvotes)}</td><td>${u.occurrences}</td><td>${fixed(u.average, 2)}</td></tr>`)}
  </tbody></table></div></div>
  </div>
</section>`;
}

export function leaderboardPage(page: PageContext, view: LeaderboardView): Markup {
  const s = L[page.lang];
  // The words the figures use for a kind of judge ("评判者：人工"), so headings and charts agree.
  const judgeTitle = (kind: string) => {
    const words = chartText(page.lang).judge(kind);
    return words.charAt(0).toUpperCase() + words.slice(1);
  };
  return layout(
    page,
    s.title,
    html`<h1>${s.title}</h1>
<p class="muted">${s.intro}</p>
${view.boards.length === 0 ? html`<p class="muted">${s.noBattles}</p>` : ""}
${view.figures.ratings ? html`<section class="card-box" id="figure-ratings"><h2>${s.ratingsFigure}</h2>${figure(view.figures.ratings)}</section>` : ""}
${view.boards.map((b) => (b.board ? board(b.kind, b.board, s, judgeTitle(b.kind), view.figures.matrices.get(b.kind)) : html`<section class="card-box"><h2>${judgeTitle(b.kind)}</h2><p class="muted">${b.problem ?? ""}</p></section>`))}
<section class="card-box" id="agreement">
  <h2>${s.agreement}</h2>
  <h3>${s.judgeVsHuman}</h3>
  ${agreementRows(view.agreements.judgeVsHuman, s, s.judgeVsHuman)}
  <h3>${s.between}</h3>
  ${agreementRows(view.agreements.betweenAnnotators, s, s.between)}
  ${pooledRow(view.agreements.betweenAnnotatorsPooled, s)}
</section>`,
  );
}
