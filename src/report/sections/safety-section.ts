import { DIALOGUE_SAFETY_LABELS, PROTOCOL_STEPS } from "../../evaluation/safety/dialogue-safety.js";
import type { CounselorSafety, SafetyResult } from "../../evaluation/safety/safety-report.js";
import { CLIENT_RISKS, RISK_SEVERITIES } from "../../simulation/crisis-lexicon.js";
import { judgeNote, ofKind, type ReportBuilder } from "../report-builder.js";
import { escapeHtml, htmlTable } from "../report-page.js";
import type { ReportTable } from "../table-one.js";
import { safetyText, type SafetyText } from "./safety-text.js";

/** At most this many risk turns are listed one by one; the JSON result holds them all. */
const EPISODES_SHOWN = 20;

const KINDS = CLIENT_RISKS.filter((r) => r !== "none");
const SEVERITIES = RISK_SEVERITIES.filter((s) => s !== "none");
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function protocolTable(aggregates: readonly CounselorSafety[], t: SafetyText): ReportTable {
  const rate = (c: CounselorSafety, step: (typeof PROTOCOL_STEPS)[number] | "followed") => {
    const r = c.protocol[step];
    return r === null ? t.noEpisodes : `${pct(r)} (${Math.round(r * c.episodes)} / ${c.episodes})`;
  };
  return {
    head: [
      t.group,
      t.sessions,
      t.withRisk,
      t.clientTurns,
      t.riskTurns,
      t.acknowledges,
      t.asksSafety,
      t.pointsToHelp,
      t.followed,
    ],
    rows: aggregates.map((c) => [
      c.counselor,
      String(c.sessions),
      String(c.sessions_with_risk),
      String(c.client_turns),
      String(c.episodes),
      ...PROTOCOL_STEPS.map((s) => rate(c, s)),
      rate(c, "followed"),
    ]),
    numeric: [false, true, true, true, true, true, true, true, true],
  };
}

/** Risk turns by kind and severity, counted from the client turns (the aggregates keep kinds only). */
function riskBlock(result: SafetyResult, t: SafetyText): string {
  const turns = result.sessions.flatMap((s) => s.client_turns);
  const at = turns.filter((c) => c.risk !== null && c.risk !== "none");
  if (at.length === 0) return `<p class="note">${escapeHtml(t.noRisk(turns.length))}</p>`;
  const table: ReportTable = {
    head: [t.kind, ...SEVERITIES.map((s) => t.severities[s]), t.total],
    rows: KINDS.filter((k) => at.some((c) => c.risk === k)).map((k) => [
      t.risks[k],
      ...SEVERITIES.map((s) => String(at.filter((c) => c.risk === k && c.severity === s).length)),
      String(at.filter((c) => c.risk === k).length),
    ]),
    numeric: [false, true, true, true, true],
  };
  return `<h4>${escapeHtml(t.byKind)}</h4>${htmlTable(table)}`;
}

function repliesBlock(aggregates: readonly CounselorSafety[], t: SafetyText): string {
  if (aggregates.every((c) => c.replies_labelled === 0))
    return `<p class="note">${escapeHtml(t.notJudged)}</p>`;
  const cell = (c: CounselorSafety, n: number) =>
    c.replies_labelled === 0 ? "–" : `${n} (${pct(n / c.replies_labelled)})`;
  const table: ReportTable = {
    head: [t.label, ...aggregates.map((c) => `${c.counselor} (n = ${c.replies_labelled})`)],
    rows: [
      ...DIALOGUE_SAFETY_LABELS.map((label) => [
        t.labels[label],
        ...aggregates.map((c) => cell(c, c.safety_labels[label] ?? 0)),
      ]),
      [t.unsafeRate, ...aggregates.map((c) => (c.unsafe_rate === null ? "–" : pct(c.unsafe_rate)))],
    ],
    numeric: [false, ...aggregates.map(() => true)],
    stack: true,
  };
  return `<h4>${escapeHtml(t.replies)}</h4>${htmlTable(table)}`;
}

function episodesBlock(result: SafetyResult, t: SafetyText): string {
  const rows = result.sessions.flatMap((s) =>
    s.episodes.map((e) => {
      const client = s.client_turns.find((c) => c.turn === e.turn);
      const source =
        client?.source === "judge" ? t.judgeSource : (client?.terms ?? []).join(" · ") || "–";
      return [
        s.id,
        String(e.turn + 1),
        `${t.risks[e.risk as (typeof KINDS)[number]] ?? e.risk} (${e.severity === null || e.severity === "none" ? "–" : t.severities[e.severity]})`,
        source,
        ...PROTOCOL_STEPS.map((step) => (e[step] ? t.yes : t.no)),
      ];
    }),
  );
  if (rows.length === 0) return "";
  const table: ReportTable = {
    head: [t.session, t.utterance, t.risk, t.found, t.acknowledges, t.asksSafety, t.pointsToHelp],
    rows: rows.slice(0, EPISODES_SHOWN),
    numeric: [false, true, false, false, false, false, false],
  };
  const more = rows.length - EPISODES_SHOWN;
  return `<h4>${escapeHtml(t.episodes)}</h4>${htmlTable(table)}${
    more > 0 ? `<p class="note">${escapeHtml(t.more(more))}</p>` : ""
  }`;
}

/**
 * `psysim eval safety --json` results on dialogues: per counselor the crisis protocol after
 * risk turns, the client risk turns by kind and severity, the dialogue-safety labels of the
 * replies (LLM judge only) and the risk turns one by one, under the honesty note.
 */
export function safetySection(b: ReportBuilder): void {
  // Results on battles (`eval safety --battles`) are drawn next to the leaderboard instead.
  const runs = ofKind(b.options.inputs.evaluations, "safety").filter(
    (e) => e.result.inputs.some((r) => r.role === "dialogues") && Array.isArray(e.result.sessions),
  );
  if (runs.length === 0) return;
  const t = safetyText(b.options.language);
  const parts = runs.map((run) => {
    const { result } = run;
    const unlabelled = result.aggregates.reduce((a, c) => a + c.unlabelled, 0);
    return [
      `<h3>${escapeHtml(b.datasetOf(result.inputs))}</h3>`,
      `<p class="note">${judgeNote(result.settings, b.text)}</p>`,
      htmlTable(protocolTable(result.aggregates, t)),
      riskBlock(result, t),
      repliesBlock(result.aggregates, t),
      episodesBlock(result, t),
      unlabelled > 0 ? `<p class="note">${escapeHtml(t.unlabelled(unlabelled))}</p>` : "",
      b.provenance(run),
    ].join("");
  });
  const within = [...new Set(runs.map((r) => String(r.result.settings["within"])))].join(" / ");
  b.add(
    "safety",
    t.title,
    `<p class="caution">${escapeHtml(t.caution)}</p>${parts.join("")}${t
      .how(within)
      .map((p) => `<p class="note">${escapeHtml(p)}</p>`)
      .join("")}`,
  );
}
