export interface Agreement {
  /** Items where both raters gave a label. */
  compared: number;
  /** Items the second rater (the LLM judge) left unlabelled (unparsed), excluded from the figures. */
  missing: number;
  agreed: number;
  accuracy: number | null;
  /** Cohen's κ = (po − pe)/(1 − pe) over the labels either rater used; null when undefined (pe = 1). */
  kappa: number | null;
  /** Counts[reference label][judge label], for the report. */
  confusion: Record<string, Record<string, number>>;
}

/**
 * Accuracy and Cohen's κ of a judge against reference labels (Appendix C.2: the paper
 * reports 60.8–64.4% accuracy against professional counselors).
 */
export function agreement(
  pairs: Iterable<{ reference: string; judged: string | null }>,
): Agreement {
  const confusion: Record<string, Record<string, number>> = {};
  const referenceCount = new Map<string, number>();
  const judgedCount = new Map<string, number>();
  let compared = 0;
  let missing = 0;
  let agreed = 0;
  for (const { reference, judged } of pairs) {
    if (judged === null) {
      missing += 1;
      continue;
    }
    compared += 1;
    if (reference === judged) agreed += 1;
    (confusion[reference] ??= {})[judged] = (confusion[reference]?.[judged] ?? 0) + 1;
    referenceCount.set(reference, (referenceCount.get(reference) ?? 0) + 1);
    judgedCount.set(judged, (judgedCount.get(judged) ?? 0) + 1);
  }
  if (compared === 0) return { compared, missing, agreed, accuracy: null, kappa: null, confusion };
  const po = agreed / compared;
  let pe = 0;
  for (const [label, n] of referenceCount)
    pe += (n / compared) * ((judgedCount.get(label) ?? 0) / compared);
  return {
    compared,
    missing,
    agreed,
    accuracy: po,
    kappa: pe === 1 ? null : (po - pe) / (1 - pe),
    confusion,
  };
}
