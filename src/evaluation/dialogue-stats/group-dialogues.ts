import type { Dialogue } from "../../core/dialogue.js";
import { PsysimError } from "../../core/errors.js";
import type { GroupResult } from "../evaluation-result.js";
import { CLIENT_STYLES, RESISTANCE_LEVELS, type RoleCard } from "../../core/role-card.js";

/** Groups by the dialogue's place in a follow-up series rather than by a card field. */
export const SESSION_INDEX = "session_index";

export interface DialogueGrouping {
  /** A role-card field (`style`, `resistance_level`, …) or `session_index`. */
  by: string;
  /** The cards the dialogues were simulated from; needed for every field but `session_index`. */
  cards?: readonly RoleCard[];
}

export interface DialogueGroup {
  /** The field's value as text; "unset" for cards without it. */
  value: string;
  dialogues: Dialogue[];
}

/** A session's place in its series: `meta.session_index`, 1 for a dialogue simulated alone. */
export function sessionIndexOf(dialogue: Dialogue): number {
  const index = dialogue.meta["session_index"];
  return typeof index === "number" ? index : 1;
}

// Values in the order a reader expects (no style first, then the listed order), not first-seen.
const KNOWN_ORDER: Record<string, readonly string[]> = {
  style: ["unset", ...CLIENT_STYLES],
  resistance_level: ["unset", ...RESISTANCE_LEVELS],
};

/** The order groups of `field` are listed in, for sorting their values. */
export function compareGroupValues(field: string, a: string, b: string): number {
  const known = KNOWN_ORDER[field];
  if (known) return known.indexOf(a) - known.indexOf(b);
  if (field === SESSION_INDEX) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Splits dialogues by `session_index` or by a field of the role card each was simulated from
 * (joined by `role_card_id`), e.g. `style`. Groups come in the field's natural order (unset
 * first, then the listed styles or levels; session 1, 2, …). A dialogue without a known card
 * stops the run, naming it: a silent "unset" group would mix it into the comparison.
 */
export function groupDialogues(
  dialogues: readonly Dialogue[],
  grouping: DialogueGrouping,
  file: string,
): DialogueGroup[] {
  const { by } = grouping;
  const byId = new Map((grouping.cards ?? []).map((c) => [c.id, c as Record<string, unknown>]));
  const groups = new Map<string, Dialogue[]>();
  for (const d of dialogues) {
    let value: string;
    if (by === SESSION_INDEX) value = String(sessionIndexOf(d));
    else {
      const card = d.role_card_id === undefined ? undefined : byId.get(d.role_card_id);
      if (!card)
        throw new PsysimError(
          "INPUT_INVALID",
          `${file}: dialogue "${d.id}" ${d.role_card_id === undefined ? "names no role_card_id" : `names card "${d.role_card_id}", which --cards does not hold`}; --by needs every dialogue's card`,
        );
      const raw = card[by];
      value =
        raw === undefined ? "unset" : typeof raw === "object" ? JSON.stringify(raw) : String(raw);
    }
    const group = groups.get(value) ?? [];
    group.push(d);
    groups.set(value, group);
  }
  return [...groups]
    .sort(([a], [b]) => compareGroupValues(by, a, b))
    .map(([value, ds]) => ({ value, dialogues: ds }));
}

/**
 * Aggregates per group from the per-session values of the whole file (matched by dialogue id),
 * so every judge call is made once and the groups' numbers can be recomputed from `sessions`.
 */
export function aggregateByGroup<S extends { dialogue_id: string }, A>(
  // Only the ids are read, so `psysim merge` can pass groups rebuilt from shard results.
  groups: readonly { value: string; dialogues: readonly { id: string }[] }[],
  field: string,
  sessions: readonly S[],
  aggregate: (sessions: S[]) => A,
): GroupResult<A>[] {
  const byDialogue = new Map(sessions.map((s) => [s.dialogue_id, s]));
  return groups.map((g) => {
    const own = g.dialogues.map((d) => byDialogue.get(d.id)).filter((s): s is S => s !== undefined);
    return {
      field,
      value: g.value,
      sessions: own.length,
      dialogue_ids: own.map((s) => s.dialogue_id),
      aggregates: aggregate(own),
    };
  });
}
