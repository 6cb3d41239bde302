/** Which of the two shown candidates the supervisor chose, in display letters. */
export type SupervisorLetter = "A" | "B";

export type SupervisorVerdict =
  { letter: SupervisorLetter } | { letter: null; reason: "missing" | "ambiguous" };

// The answer line the prompts ask for (Figures 12–13: "最后的选择：X" / "Final choice: X"),
// with the spellings models actually produce around it: markdown emphasis, "is"/"为",
// a "回复"/"Response" word, brackets. After NFKC, full-width colons and letters are ASCII.
const LABEL = String.raw`(?:最后的?选择|最终的?选择|最终答案|final\s+(?:choice|answer|selection|decision))`;
const DECOR = String.raw`[\s*_~>#-]*`;
const JOIN = String.raw`(?::|\bis\b|为|是)`;
const NOUN = String.raw`(?:(?:回复|选项|答案|候选|response|option|candidate|answer)\s*)?`;
const OPEN = String.raw`[\s*_"'“‘\[(【「《<]*`;
const ANSWER = new RegExp(
  `${LABEL}${DECOR}${JOIN}${DECOR}${NOUN}${OPEN}([AB])(?![A-Za-z0-9])([^\\n]*)`,
  "giu",
);
const STRAY_LETTER = /(?<![A-Za-z0-9])[AB](?![A-Za-z0-9])/gu;
const ASIDE = /\([^)]*\)|（[^）]*）|\[[^\]]*\]|【[^】]*】/gu;

/**
 * Reads the supervisor's pick strictly. Every answer line must name one letter and the
 * same one; a line that also names the other letter ("A or B"), two lines that disagree,
 * or no answer line at all is not a pick. The paper's code falls back to the first
 * candidate here; psysim never guesses (the caller retries, then records `winner: null`).
 */
export function parseSupervisorAnswer(text: string): SupervisorVerdict {
  const normal = text.normalize("NFKC");
  const letters = new Set<SupervisorLetter>();
  for (const match of normal.matchAll(ANSWER)) {
    // The label is matched case-blind, the letter is not: "final choice: a response…" is prose.
    if (match[1] !== "A" && match[1] !== "B") continue;
    letters.add(match[1]);
    const rest = match[2]!.replace(ASIDE, "");
    for (const stray of rest.matchAll(STRAY_LETTER)) letters.add(stray[0] as SupervisorLetter);
  }
  if (letters.size === 0) return { letter: null, reason: "missing" };
  if (letters.size > 1) return { letter: null, reason: "ambiguous" };
  return { letter: [...letters][0]! };
}
