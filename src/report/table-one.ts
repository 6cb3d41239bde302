import type { Language } from "../core/language.js";
import { datasetStats, type SessionStats } from "../evaluation/dialogue-stats/dialogue-stats.js";
import { fill, type ReportText } from "./report-text.js";

/** A plain table for the page: header, body rows, and which columns hold numbers. */
export interface ReportTable {
  head: string[];
  rows: string[][];
  numeric: boolean[];
  /** Stack on a phone even with fewer than four columns (their headers are too wide to sit side by side). */
  stack?: boolean;
}

function fixed(value: number | null, digits: number): string {
  return value === null ? "–" : value.toFixed(digits);
}

/**
 * Table 1 with one column per dataset and language: Chinese lengths are characters and
 * English lengths words, so a mixed dataset gets a column for each and no mixed average.
 */
export function tableOne(
  datasets: readonly { name: string; sessions: readonly SessionStats[] }[],
  text: ReportText,
): ReportTable {
  const columns = datasets.flatMap(({ name, sessions }) =>
    (["zh", "en"] as Language[])
      .map((language) => ({
        name,
        language,
        stats: datasetStats(sessions.filter((s) => s.language === language)),
      }))
      .filter((c) => c.stats.sessions > 0),
  );
  const unit = (language: Language) => (language === "zh" ? text.characters : text.words);
  const endings = [...new Set(columns.flatMap((c) => Object.keys(c.stats.endings)))].sort();
  const row = (label: string, cell: (c: (typeof columns)[number]) => string) => [
    label,
    ...columns.map(cell),
  ];
  return {
    head: ["", ...columns.map((c) => `${c.name} (${c.language})`)],
    rows: [
      row(text.sessions, (c) => String(c.stats.sessions)),
      row(text.avgTurns, (c) => fixed(c.stats.avg_turns, 2)),
      row(
        text.turnsRange,
        (c) =>
          `${c.stats.turns.min ?? "–"} / ${c.stats.turns.median ?? "–"} / ${c.stats.turns.max ?? "–"}`,
      ),
      row(text.clientUtterances, (c) => String(c.stats.client_utterances)),
      row(text.counselorUtterances, (c) => String(c.stats.counselor_utterances)),
      row(
        text.avgClientLength,
        (c) => `${fixed(c.stats.avg_client_length, 2)} ${unit(c.language)}`,
      ),
      row(
        text.avgCounselorLength,
        (c) => `${fixed(c.stats.avg_counselor_length, 2)} ${unit(c.language)}`,
      ),
      ...endings.map((ending) =>
        row(fill(text.endedBy, { ending }), (c) => String(c.stats.endings[ending] ?? 0)),
      ),
    ],
    numeric: [false, ...columns.map(() => true)],
  };
}
