import type { Language } from "../../core/language.js";
import { LENGTH_UNITS, type DatasetStats } from "./dialogue-stats.js";

function fmt(value: number | null, digits = 1): string {
  return value === null ? "–" : Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** Display width: CJK characters take two terminal columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/u.test(
      ch,
    )
      ? 2
      : 1;
  return w;
}

/** Renders rows as an aligned plain-text table: first column left, the rest right. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) =>
    Math.max(...rows.map((r) => width(r[c] ?? ""))),
  );
  return rows
    .map((r) =>
      r
        .map((cell, c) => {
          const pad = " ".repeat(widths[c]! - width(cell));
          return c === 0 ? cell + pad : pad + cell;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const LANGUAGE_NAMES: Record<Language, string> = { zh: "Chinese", en: "English" };

/**
 * Table 1, one block per language (Chinese lengths in characters, English in words, never
 * mixed), with one column per dataset that has sessions in that language.
 */
export function formatStatsTable(
  datasets: readonly {
    name: string;
    stats: DatasetStats;
    by_language: Partial<Record<Language, DatasetStats>>;
    answers?: { asked: number; answered: number; share: number | null };
  }[],
): string {
  const grouped = datasets.filter((d) => d.answers);
  const answers =
    grouped.length === 0
      ? ""
      : "\n\nClient answers the counselor's question (answered / asked)\n" +
        textTable(
          grouped.map((d) => [
            d.name,
            d.answers!.share === null
              ? "–"
              : `${(100 * d.answers!.share).toFixed(1)}% (${d.answers!.answered} / ${d.answers!.asked})`,
          ]),
        );
  return perLanguageTables(datasets) + answers;
}

function perLanguageTables(
  datasets: readonly {
    name: string;
    stats: DatasetStats;
    by_language: Partial<Record<Language, DatasetStats>>;
  }[],
): string {
  const languages = (["zh", "en"] as const).filter((l) =>
    datasets.some((d) => d.by_language[l] !== undefined),
  );
  if (languages.length === 0) return tableBlock(datasets, "characters");
  return languages
    .map((language) => {
      const columns = datasets.flatMap((d) => {
        const stats = d.by_language[language];
        return stats ? [{ name: d.name, stats }] : [];
      });
      const unit = LENGTH_UNITS[language];
      return `${LANGUAGE_NAMES[language]} (${language}), lengths in ${unit}\n${tableBlock(columns, unit)}`;
    })
    .join("\n\n");
}

function tableBlock(
  datasets: readonly { name: string; stats: DatasetStats }[],
  unit: string,
): string {
  const endings = [...new Set(datasets.flatMap((d) => Object.keys(d.stats.endings)))].sort();
  const row = (label: string, f: (s: DatasetStats) => string): string[] => [
    label,
    ...datasets.map((d) => f(d.stats)),
  ];
  const rows = [
    ["", ...datasets.map((d) => d.name)],
    row("# Conversations", (s) => String(s.sessions)),
    row("Avg. turns per conversation", (s) => fmt(s.avg_turns)),
    row(
      "Turns min / median / max",
      (s) => `${fmt(s.turns.min)} / ${fmt(s.turns.median)} / ${fmt(s.turns.max)}`,
    ),
    row("# Client utterances", (s) => String(s.client_utterances)),
    row("# Counselor utterances", (s) => String(s.counselor_utterances)),
    row(`Avg. len. of client utterances (${unit})`, (s) => fmt(s.avg_client_length)),
    row(`Avg. len. of counselor utterances (${unit})`, (s) => fmt(s.avg_counselor_length)),
    ...endings.map((e) => row(`Ended by ${e}`, (s) => String(s.endings[e] ?? 0))),
  ];
  return textTable(rows);
}
