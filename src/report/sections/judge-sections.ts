import { WAI_FACTORS } from "../../evaluation/wai/wai-items.js";
import { chartText } from "../chart-text.js";
import { judgeNote, meanSd, ofKind, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable } from "../report-page.js";
import type { ReportTable } from "../table-one.js";
import { topicBarsSpec } from "../topic-bars.js";
import { waiBoxplotSpec } from "../wai-boxplots.js";

export async function topicsSection(b: ReportBuilder): Promise<void> {
  const topics = ofKind(b.options.inputs.evaluations, "topics");
  if (topics.length === 0) return;
  const named = topics.map((e) => ({ name: b.datasetOf(e.result.inputs), evaluation: e }));
  const chart = await b.figure(
    "figure-3",
    topicBarsSpec(
      named.map((n) => ({
        name: n.name,
        distribution: n.evaluation.result.aggregates.distribution,
      })),
      b.options.language,
    ),
  );
  const entropy: ReportTable = {
    head: [b.text.dataset, b.text.limited, b.text.unlimited, b.text.judge],
    rows: named.map(({ name, evaluation }) => [
      name,
      meanSd(evaluation.result.aggregates.entropy_limited),
      meanSd(evaluation.result.aggregates.entropy_unlimited),
      String(evaluation.result.settings["judge"]),
    ]),
    numeric: [false, true, true, false],
  };
  b.add(
    "figure-3",
    b.text.fig3,
    `<figure>${chart}</figure><h3>${escapeHtml(b.text.entropy)}</h3>${htmlTable(entropy)}${named
      .map(
        ({ name, evaluation }) =>
          `<p class="note">${escapeHtml(name)} · ${judgeNote(evaluation.result.settings, b.text)}</p>${b.provenance(evaluation)}`,
      )
      .join("")}`,
  );
}

export async function waiSection(b: ReportBuilder): Promise<void> {
  const wai = ofKind(b.options.inputs.evaluations, "wai");
  if (wai.length === 0) return;
  const chart = chartText(b.options.language);
  const named = wai.map((e) => ({ name: b.datasetOf(e.result.inputs), evaluation: e }));
  const figure = await b.figure(
    "figure-4",
    waiBoxplotSpec(
      named.map((n) => ({ name: n.name, sessions: n.evaluation.result.sessions })),
      b.options.language,
    ),
  );
  const table: ReportTable = {
    head: [b.text.dataset, ...WAI_FACTORS.map((f) => chart.waiFactors[f]), "WAI-O-S"],
    rows: named.map(({ name, evaluation }) => [
      name,
      ...WAI_FACTORS.map((f) => meanSd(evaluation.result.aggregates.factors[f])),
      meanSd(evaluation.result.aggregates.total),
    ]),
    numeric: [false, true, true, true, true],
  };
  b.add(
    "figure-4",
    b.text.fig4,
    `<figure>${figure}</figure>${htmlTable(table)}${named
      .map(
        ({ name, evaluation }) =>
          `<p class="note">${escapeHtml(name)} · ${judgeNote(evaluation.result.settings, b.text)}</p>${b.provenance(evaluation)}`,
      )
      .join("")}`,
  );
}
