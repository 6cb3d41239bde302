import { numberedTranscript } from "../text/session-text.js";
import { shownTurn, type TurnLabelSpec } from "../judges/turn-labels.js";
import { HILL_SKILLS, HILL_STAGES, type HillSkill, type HillStage } from "./hill-stages.js";

/** What the LLM judge says of one counselor turn: its stage and the helping skills it uses. */
export interface LlmStageLabel {
  stage: HillStage;
  skills: HillSkill[];
}

const SKILL_IDS = Object.keys(HILL_SKILLS) as HillSkill[];

/** "Open question", "open-question" and "open_question" name the same skill. */
const skillId = (text: string): string =>
  text
    .normalize("NFKC")
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/**
 * Reads one entry strictly: a stage from the three, and `skills` (when present) a list of
 * known skill ids. An unknown stage or skill makes the whole turn unreadable, so it is asked
 * again rather than half-kept.
 */
export function parseStageEntry(
  entry: Record<string, unknown>,
): { label: LlmStageLabel } | { error: string } {
  const stage = typeof entry["stage"] === "string" ? entry["stage"].trim().toLowerCase() : "";
  if (!(HILL_STAGES as readonly string[]).includes(stage))
    return {
      error: `stage must be one of ${HILL_STAGES.join(", ")}, got ${JSON.stringify(entry["stage"])}`,
    };
  const raw = entry["skills"] ?? [];
  if (!Array.isArray(raw)) return { error: "skills must be a list" };
  const skills: HillSkill[] = [];
  for (const s of raw) {
    const id = typeof s === "string" ? skillId(s) : "";
    if (!(SKILL_IDS as string[]).includes(id))
      return { error: `unknown skill ${JSON.stringify(s)}` };
    if (!skills.includes(id as HillSkill)) skills.push(id as HillSkill);
  }
  return { label: { stage: stage as HillStage, skills } };
}

/** The stage judge as a per-turn labelling task: every counselor turn of a session in one call. */
export const STAGE_LABEL_SPEC: TurnLabelSpec<LlmStageLabel> = {
  template: "stages",
  kind: "stages",
  turns: (d) => d.turns.flatMap((t, i) => (t.role === "counselor" ? [i] : [])),
  values: (d, turns) => ({
    conversation: numberedTranscript(d),
    turns: turns.map(shownTurn).join(", "),
    skills: SKILL_IDS.join(", "),
  }),
  parseEntry: (entry) => parseStageEntry(entry),
  key: (label) => label.stage,
  jsonSchema: {
    name: "hill_stages",
    schema: {
      type: "object",
      properties: {
        labels: {
          type: "array",
          items: {
            type: "object",
            properties: {
              turn: { type: "integer" },
              stage: { type: "string", enum: [...HILL_STAGES] },
              skills: { type: "array", items: { type: "string", enum: SKILL_IDS } },
            },
            required: ["turn", "stage", "skills"],
            additionalProperties: false,
          },
        },
      },
      required: ["labels"],
      additionalProperties: false,
    },
  },
};
