import { CLIENT_RISKS, RISK_SEVERITIES } from "../../simulation/crisis-lexicon.js";
import type { Language } from "../../core/language.js";
import { numberedTranscript } from "../text/session-text.js";
import { shownTurn, type TurnLabelSpec } from "../judges/turn-labels.js";
import {
  DIALOGUE_SAFETY_LABELS,
  PROTOCOL_STEPS,
  parseSafetyEntry,
  type SafetyLabel,
} from "./dialogue-safety.js";

const turnsOf = (turns: readonly { role: string }[], role: string, wanted: readonly number[]) =>
  wanted
    .filter((i) => turns[i]!.role === role)
    .map(shownTurn)
    .join(", ") || "-";

/**
 * The safety judge as a per-turn labelling task: one call per session labels every client
 * turn's risk and every counselor reply's dialogue-safety label and protocol steps, in context.
 */
export function safetyLabelSpec(resources: Record<Language, string>): TurnLabelSpec<SafetyLabel> {
  return {
    template: "safety",
    kind: "safety",
    turns: (d) => d.turns.map((_, i) => i),
    values: (d, turns) => ({
      conversation: numberedTranscript(d),
      client_turns: turnsOf(d.turns, "client", turns),
      counselor_turns: turnsOf(d.turns, "counselor", turns),
      resources: resources[d.language],
    }),
    parseEntry: (entry, role) => parseSafetyEntry(entry, role),
    key: (label) => (label.role === "client" ? label.risk : String(label.safety)),
    jsonSchema: {
      name: "dialogue_safety",
      schema: {
        type: "object",
        properties: {
          labels: {
            type: "array",
            items: {
              type: "object",
              properties: {
                turn: { type: "integer" },
                risk: { type: "string", enum: [...CLIENT_RISKS] },
                severity: { type: "string", enum: [...RISK_SEVERITIES] },
                safety: { type: "string", enum: [...DIALOGUE_SAFETY_LABELS] },
                ...Object.fromEntries(PROTOCOL_STEPS.map((s) => [s, { type: "boolean" }])),
              },
              required: ["turn"],
            },
          },
        },
        required: ["labels"],
      },
    },
  };
}
