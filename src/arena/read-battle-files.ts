import { InputLineError } from "../core/errors.js";
import { parseBattle } from "../core/read-records.js";
import { parseAll, readRecordValues } from "../core/record-files.js";
import type { Battle } from "../core/battle.js";

/**
 * Reads battles from JSONL (or a JSON/YAML list), reporting every bad record as
 * `file:line: field: reason`; an empty file or a repeated battle id is refused, since a
 * battle counted twice moves every rating.
 */
export async function readBattleFile(file: string): Promise<Battle[]> {
  return (await readNumberedBattles(file)).map((b) => b.battle);
}

/** The same, with the line each battle starts on, for checks that report a battle later. */
export async function readNumberedBattles(
  file: string,
): Promise<{ battle: Battle; line: number }[]> {
  const values = await readRecordValues(file, { nonEmpty: true, uniqueIds: true });
  return parseAll(file, values, (value, line) => {
    const battle = parseBattle(value, file, line);
    if (battle.model_a === battle.model_b)
      throw new InputLineError(
        file,
        line,
        "model_b",
        `same model as model_a ("${battle.model_a}"); a model cannot battle itself`,
      );
    return { battle, line };
  });
}
