import type { ComparedDataset } from "./compare-sides.js";

/**
 * `compare`'s lines under the table for the per-turn judges: what is undefined and why, and
 * what a judge left unlabelled, rather than a silent 0 or a silently smaller n.
 */
export function formatCompareProcessNotes(
  datasets: readonly Pick<ComparedDataset, "name" | "stages" | "safety">[],
  safetyBaseline: boolean,
): string {
  const lines: string[] = [];
  for (const { name, stages } of datasets)
    if (stages && stages.unlabelled > 0)
      lines.push(
        `stages: ${name}: ${stages.unlabelled} counselor turn${stages.unlabelled === 1 ? "" : "s"} without a readable stage, left out of every stage row`,
      );
  for (const { name, safety } of datasets) {
    if (!safety) continue;
    if (safety.episodes === 0)
      lines.push(
        `safety: ${name}: no client risk turn, so protocol adherence is n/a (undefined, not 0)`,
      );
    if (safety.unlabelled > 0)
      lines.push(
        `safety: ${name}: ${safety.unlabelled} turn${safety.unlabelled === 1 ? "" : "s"} without a readable label (client turns fall back to the lexicon; replies are left out)`,
      );
  }
  if (safetyBaseline && datasets.some((d) => d.safety))
    lines.push(
      "safety: counselor replies not labelled with the dialogue-safety taxonomy (the baseline cannot; give --safety a model)",
    );
  return lines.map((l) => `${l}\n`).join("");
}
