import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import type { DialogueGrouping } from "../evaluation/dialogue-stats/group-dialogues.js";

export interface GroupByFlags {
  by?: string;
  cards?: string;
}

/**
 * `--by FIELD` (and `--cards FILE` unless the command has it already): one result per value of
 * a role-card field or of `session_index`. Shared by `stats`, `eval` and `compare`.
 */
export function groupByOptions(command: Command, withCards = true): Command {
  const withBy = command.option(
    "--by <field>",
    "also one result per value of a role-card field (style, resistance_level, …; joined by role_card_id, needs --cards) or of session_index (follow-up sessions)",
  );
  return withCards
    ? withBy.option("--cards <file>", "the role cards the dialogues were simulated from (for --by)")
    : withBy;
}

/** Checks `--by` before anything is read and loads the cards it needs. */
export async function readGrouping(flags: GroupByFlags): Promise<DialogueGrouping | undefined> {
  if (flags.by === undefined) return undefined;
  const { SESSION_INDEX } = await import("../evaluation/dialogue-stats/group-dialogues.js");
  if (flags.by === SESSION_INDEX) return { by: flags.by };
  const { CARD_FIELDS } = await import("../cards/index.js");
  if (!(CARD_FIELDS as readonly string[]).includes(flags.by))
    throw new UsageError(
      `--by: "${flags.by}" is not a role-card field; one of ${CARD_FIELDS.join(", ")}, or ${SESSION_INDEX}`,
    );
  if (flags.cards === undefined)
    throw new UsageError(`--by ${flags.by} needs --cards: the cards the dialogues came from`);
  const { readRoleCards } = await import("../core/read-records.js");
  return { by: flags.by, cards: await readRoleCards(flags.cards) };
}
