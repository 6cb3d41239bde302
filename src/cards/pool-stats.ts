import {
  DESCRIPTIVE_FIELDS,
  isFullRoleCard,
  RESISTANCE_LEVELS,
  type RoleCard,
} from "../core/role-card.js";
import { summarisePool, type PoolSummary } from "./pool-summary.js";

/** Fields a card may carry, in Figure 8's order, then psysim's optional extras. */
export const CARD_FIELDS = [
  ...DESCRIPTIVE_FIELDS,
  "chief_complaint",
  "resistance_level",
  "style",
  "topics",
  "risk",
  "source",
  "split",
] as const;

export interface Distribution {
  n: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p90: number;
}

export interface PoolStats extends PoolSummary {
  /** Cards that carry each field. */
  coverage: Record<(typeof CARD_FIELDS)[number], number>;
  /** Ages read as years (a number, or the first number in a text such as "20岁"). */
  ages: Distribution | null;
  agesUnreadable: number;
  ageBands: Record<string, number>;
  resistanceLevels: Record<(typeof RESISTANCE_LEVELS)[number] | "unset", number>;
  /** Most frequent values of short categorical fields. */
  top: Record<"gender" | "marital_status" | "occupation" | "education", [string, number][]>;
  /** Chief complaint length in characters (Chinese) or words (English), per language. */
  complaintLength: Record<"zh" | "en", Distribution | null>;
}

const AGE_BANDS: [string, number, number][] = [
  ["<18", 0, 17],
  ["18-24", 18, 24],
  ["25-34", 25, 34],
  ["35-44", 35, 44],
  ["45-59", 45, 59],
  ["60+", 60, Infinity],
];

/** Nearest-rank percentile on sorted values (p in (0, 1]). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    n: s.length,
    min: s[0]!,
    max: s.at(-1)!,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2,
    p90: percentile(s, 0.9),
  };
}

export function ageInYears(age: number | string): number | undefined {
  if (typeof age === "number") return age;
  const m = /\d{1,3}/.exec(age);
  return m ? Number(m[0]) : undefined;
}

function textLength(text: string, language: "zh" | "en"): number {
  if (language === "zh") return [...text.replace(/\s/g, "")].length;
  let n = 0;
  for (const s of new Intl.Segmenter("en", { granularity: "word" }).segment(text))
    if (s.isWordLike) n++;
  return n;
}

function topValues(values: string[], k = 5): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k);
}

/** What a client pool looks like: coverage, ages, languages, resistance levels, lengths. */
export function poolStats(cards: readonly RoleCard[]): PoolStats {
  const coverage = Object.fromEntries(
    CARD_FIELDS.map((f) => [
      f,
      cards.filter((c) => f in c && (c as Record<string, unknown>)[f] !== undefined).length,
    ]),
  ) as PoolStats["coverage"];
  const full = cards.filter(isFullRoleCard);
  const ages: number[] = [];
  let agesUnreadable = 0;
  for (const card of full) {
    const years = ageInYears(card.age);
    if (years === undefined) agesUnreadable += 1;
    else ages.push(years);
  }
  const ageBands = Object.fromEntries(
    AGE_BANDS.map(([label, lo, hi]) => [label, ages.filter((a) => a >= lo && a <= hi).length]),
  );
  const resistanceLevels = { low: 0, moderate: 0, high: 0, unset: 0 };
  for (const card of cards) resistanceLevels[card.resistance_level ?? "unset"] += 1;
  const lengths = (language: "zh" | "en") =>
    distribution(
      cards
        .filter((c) => c.language === language)
        .map((c) => textLength(c.chief_complaint, language)),
    );
  return {
    ...summarisePool(cards),
    coverage,
    ages: distribution(ages),
    agesUnreadable,
    ageBands,
    resistanceLevels,
    top: {
      gender: topValues(full.map((c) => c.gender)),
      marital_status: topValues(full.map((c) => c.marital_status)),
      occupation: topValues(full.map((c) => c.occupation)),
      education: topValues(full.map((c) => c.education)),
    },
    complaintLength: { zh: lengths("zh"), en: lengths("en") },
  };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
const dist = (d: Distribution | null, unit: string) =>
  d
    ? `n ${d.n}, mean ${fmt(d.mean)}, median ${fmt(d.median)}, min ${d.min}, p90 ${d.p90}, max ${d.max}${unit ? ` ${unit}` : ""}`
    : "none";

/** The stats as a few readable lines. */
export function formatPoolStats(file: string, stats: PoolStats): string {
  const pct = (k: number) => (stats.cards ? `${Math.round((100 * k) / stats.cards)}%` : "-");
  const lines = [
    `${file}: ${stats.cards} cards (zh ${stats.languages.zh}, en ${stats.languages.en}; ${stats.full} full, ${stats.postOnly} post-only)`,
    "field coverage:",
    ...CARD_FIELDS.map(
      (f) =>
        `  ${f.padEnd(22)} ${String(stats.coverage[f]).padStart(6)}  ${pct(stats.coverage[f])}`,
    ),
    `ages (years): ${dist(stats.ages, "")}${stats.agesUnreadable ? `; ${stats.agesUnreadable} unreadable` : ""}`,
    `  bands: ${Object.entries(stats.ageBands)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `resistance levels: ${Object.entries(stats.resistanceLevels)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    ...(["gender", "marital_status", "occupation", "education"] as const).map(
      (f) => `${f}: ${stats.top[f].map(([v, n]) => `${v} ${n}`).join(", ") || "none"}`,
    ),
    `chief complaint length: zh ${dist(stats.complaintLength.zh, "characters")}; en ${dist(stats.complaintLength.en, "words")}`,
  ];
  return lines.join("\n");
}
