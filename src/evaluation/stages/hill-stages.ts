/**
 * Hill's three helping stages (Hill, *Helping Skills*; the paper's Figure 9 follows them),
 * in the order a session is expected to move through them. The index is the value the
 * progression measure correlates with turn position.
 */
export const HILL_STAGES = ["exploration", "insight", "action"] as const;
export type HillStage = (typeof HILL_STAGES)[number];

export const stageIndex = (stage: HillStage): number => HILL_STAGES.indexOf(stage);

/**
 * Hill's helping skills as the LLM judge may name them, each with the stage it is commonly
 * taught under (Hill, *Helping Skills*, parts II-IV). Skills describe what a turn does; the
 * stage label is the judge's call on what the turn serves, so the two may disagree.
 */
export const HILL_SKILLS = {
  open_question: "exploration",
  closed_question: "exploration",
  restatement: "exploration",
  reflection_of_feelings: "exploration",
  approval_reassurance: "exploration",
  challenge: "insight",
  interpretation: "insight",
  self_disclosure: "insight",
  immediacy: "insight",
  information: "action",
  direct_guidance: "action",
} as const satisfies Record<string, HillStage>;
export type HillSkill = keyof typeof HILL_SKILLS;
