import type { Dialogue } from "../../core/dialogue.js";
import { PsysimError } from "../../core/errors.js";
import type { RoleCard } from "../../core/role-card.js";

export interface CardGroup {
  /** The card field's value as text; "unset" for cards without it. */
  value: string;
  dialogues: Dialogue[];
}

/**
 * Splits dialogues by a field of the role card each was simulated from (joined by
 * `role_card_id`), e.g. `style` or `resistance_level`. Groups come in the order of their first
 * dialogue. A dialogue without a known card stops the run, naming it: a silent "unset" group would
 * mix it into the comparison.
 */
export function groupByCardField(
  dialogues: readonly Dialogue[],
  cards: readonly RoleCard[],
  field: string,
  file: string,
): CardGroup[] {
  const byId = new Map(cards.map((c) => [c.id, c as Record<string, unknown>]));
  const groups = new Map<string, Dialogue[]>();
  for (const d of dialogues) {
    const card = d.role_card_id === undefined ? undefined : byId.get(d.role_card_id);
    if (!card)
      throw new PsysimError(
        "INPUT_INVALID",
        `${file}: dialogue "${d.id}" ${d.role_card_id === undefined ? "names no role_card_id" : `names card "${d.role_card_id}", which --cards does not hold`}; --by needs every dialogue's card`,
      );
    const raw = card[field];
    const value =
      raw === undefined ? "unset" : typeof raw === "object" ? JSON.stringify(raw) : String(raw);
    const group = groups.get(value) ?? [];
    group.push(d);
    groups.set(value, group);
  }
  return [...groups].map(([value, ds]) => ({ value, dialogues: ds }));
}
