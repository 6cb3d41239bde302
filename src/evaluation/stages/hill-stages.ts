/**
 * Hill's three helping stages (Hill, *Helping Skills*; the paper's Figure 9 follows them),
 * in the order a session is expected to move through them. The index is the value the
 * progression measure correlates with turn position.
 */
export const HILL_STAGES = ["exploration", "insight", "action"] as const;
export type HillStage = (typeof HILL_STAGES)[number];

export const stageIndex = (stage: HillStage): number => HILL_STAGES.indexOf(stage);
