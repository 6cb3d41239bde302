import { WAI_FACTORS } from "../../evaluation/wai/wai-items.js";
import { browserDataset } from "../browser-data.js";
import { chartText } from "../chart-text.js";
import { ofKind, type ReportBuilder } from "../report-builder.js";
import { escapeHtml } from "../report-page.js";

const PROCESS_METRICS = {
  en: {
    tau: "stage progression τ-b",
    risk: "client risk turns",
    followed: "crisis protocol followed (share of risk turns)",
  },
  zh: {
    tau: "阶段进程 τ-b",
    risk: "来访者风险发言数",
    followed: "危机处理三项都做到（占风险发言）",
  },
};

export function browserSection(b: ReportBuilder): void {
  const { datasets, evaluations } = b.options.inputs;
  if (datasets.length === 0) return;
  const chart = chartText(b.options.language);
  const t = b.text;
  const metricNames: Record<string, string> = {
    overlap: chart.overlapAxis,
    cosine: chart.cosineAxis,
    wai: "WAI-O-S",
    ...Object.fromEntries(WAI_FACTORS.map((f) => [`wai_${f}`, `WAI-O-S ${chart.waiFactors[f]}`])),
    ...PROCESS_METRICS[b.options.language],
  };
  const perDataset = new Map<string, Map<string, Record<string, number | null>>>();
  const set = (dataset: string, id: string, key: string, value: number | null) => {
    const sessions = perDataset.get(dataset) ?? new Map<string, Record<string, number | null>>();
    perDataset.set(dataset, sessions);
    sessions.set(id, { ...sessions.get(id), [key]: value });
  };
  const used = new Set<string>();
  for (const e of ofKind(evaluations, "fidelity")) {
    const name = b.datasetOf(e.result.inputs);
    for (const s of e.result.sessions) {
      set(name, s.dialogue_id, "overlap", s.overlap);
      used.add("overlap");
      if (s.cosine !== null) {
        set(name, s.dialogue_id, "cosine", s.cosine);
        used.add("cosine");
      }
    }
  }
  for (const e of ofKind(evaluations, "wai")) {
    const name = b.datasetOf(e.result.inputs);
    for (const s of e.result.sessions) {
      set(name, s.dialogue_id, "wai", s.total);
      for (const f of WAI_FACTORS) set(name, s.dialogue_id, `wai_${f}`, s.factors[f]);
      used.add("wai");
      for (const f of WAI_FACTORS) used.add(`wai_${f}`);
    }
  }
  // Process measures, so an auditor can list the sessions with risk turns or a stalled progression.
  for (const e of ofKind(evaluations, "stages")) {
    const name = b.datasetOf(e.result.inputs);
    for (const s of e.result.sessions) set(name, s.id, "tau", s.progression_tau_b);
    used.add("tau");
  }
  for (const e of ofKind(evaluations, "safety")) {
    const name = b.datasetOf(e.result.inputs);
    for (const s of e.result.sessions) {
      const followed = s.episodes.filter((x) => x.followed).length;
      set(name, s.id, "risk", s.episodes.length);
      // A session without risk turns has no protocol share (null), never 0.
      set(name, s.id, "followed", s.episodes.length === 0 ? null : followed / s.episodes.length);
    }
    used.add("risk").add("followed");
  }
  const data = datasets.map((d) =>
    browserDataset(d.name, d.dialogues, perDataset.get(d.name) ?? new Map()),
  );
  const endings = [...new Set(data.flatMap((d) => d.sessions.map((s) => s.ended)))].sort();
  const option = (value: string, label: string) =>
    `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;
  const metrics = Object.keys(metricNames).filter((k) => used.has(k));
  const range = (id: string) =>
    `<span class="range"><input id="${id}-min" type="number" step="any" placeholder="${escapeHtml(t.minPlaceholder)}" aria-label="${escapeHtml(t.minPlaceholder)}"><input id="${id}-max" type="number" step="any" placeholder="${escapeHtml(t.maxPlaceholder)}" aria-label="${escapeHtml(t.maxPlaceholder)}"></span>`;
  const compare =
    data.length > 1
      ? `<h3>${escapeHtml(t.compareTitle)}</h3><form id="compare-form" class="compare" onsubmit="return false"><label>${escapeHtml(t.compareA)}<select id="c-a">${data.map((d, i) => option(String(i), d.name)).join("")}</select></label><label>${escapeHtml(t.compareB)}<select id="c-b">${data.map((d, i) => `<option value="${i}"${i === 1 ? " selected" : ""}>${escapeHtml(d.name)}</option>`).join("")}</select></label><label class="wide">${escapeHtml(t.compareCard)}<select id="c-card"></select></label></form><p id="c-none" class="note" hidden>${escapeHtml(t.noSharedCard)}</p><div id="compare-view"></div>`
      : "";
  b.add(
    "browser",
    t.browser,
    `<p class="print-only note">${escapeHtml(t.printNote)}</p><noscript><p class="note">${escapeHtml(t.noScript)}</p></noscript>
<div id="browser">
<form id="browser-filters">
<label>${escapeHtml(t.dataset)}<select id="f-dataset">${option("", t.any)}${data.map((d, i) => option(String(i), d.name)).join("")}</select></label>
<label>${escapeHtml(t.language)}<select id="f-language">${option("", t.any)}${option("zh", "zh")}${option("en", "en")}</select></label>
<label>${escapeHtml(t.endedByFilter)}<select id="f-ended">${option("", t.any)}${endings.map((e) => option(e, e)).join("")}</select></label>
<label>${escapeHtml(t.turnsFilter)}${range("f-turns")}</label>
<label>${escapeHtml(t.rejMin)}<input id="f-rej-min" type="number" min="0" step="1"></label>
<label>${escapeHtml(t.metricFilter)}<select id="f-metric">${option("", t.none)}${metrics.map((m) => option(m, metricNames[m]!)).join("")}</select>${range("f-metric")}</label>
<label class="wide">${escapeHtml(t.search)}<input id="f-search" type="search"></label>
<button type="submit">${escapeHtml(t.apply)}</button>
</form>
<div class="pager"><span id="result-count" role="status"></span><button type="button" id="page-prev">${escapeHtml(t.prev)}</button><span id="page-label"></span><button type="button" id="page-next">${escapeHtml(t.next)}</button></div>
<div class="table-scroll"><table id="sessions-table" class="sessions"><thead><tr><th>${escapeHtml(t.session)}</th><th>${escapeHtml(t.dataset)}</th><th>${escapeHtml(t.language)}</th><th class="num">${escapeHtml(t.turnsCol)}</th><th>${escapeHtml(t.endedByFilter)}</th><th class="num">${escapeHtml(t.rejCol)}</th><th class="num" id="metric-head"></th></tr></thead><tbody></tbody></table></div>
<div id="session-view" hidden></div>
${compare}
</div>`,
  );
  b.browserData = data;
}
