import { PsysimError } from "../core/errors.js";
import { CLIENT_STYLES, RESISTANCE_LEVELS, type RoleCard } from "../core/role-card.js";
import { deriveSeed } from "../core/random.js";
import { rankBySeededHash } from "../export/validation-split.js";

export interface MannerAssignment {
  styles?: readonly (typeof CLIENT_STYLES)[number][];
  resistance?: readonly (typeof RESISTANCE_LEVELS)[number][];
  seed: number;
}

/** Reads `--styles plain,reserved` or `--resistance low,high` into checked values. */
export function parseMannerList<T extends string>(
  flag: string,
  value: string,
  allowed: readonly T[],
): T[] {
  const items = value.split(",").map((s) => s.trim());
  for (const item of items)
    if (!(allowed as readonly string[]).includes(item))
      throw new PsysimError(
        "INPUT_INVALID",
        `${flag}: "${item}" is not one of ${allowed.join(", ")} (give a comma-separated list)`,
      );
  if (new Set(items).size !== items.length)
    throw new PsysimError("INPUT_INVALID", `${flag}: a value is listed twice in "${value}"`);
  return items as T[];
}

/**
 * Spreads styles and resistance levels over a pool. Each field is dealt round-robin over the
 * cards ranked by sha256(seed, field, id): every value gets ⌊n/k⌋ or ⌈n/k⌉ cards, the result
 * does not depend on the input order, and the two fields use independent orders so styles and
 * levels cross. A field not asked for keeps the card's own value. Cards keep their input order.
 */
export function assignManner(cards: readonly RoleCard[], assignment: MannerAssignment): RoleCard[] {
  const ids = cards.map((c) => c.id);
  const deal = <T>(values: readonly T[] | undefined, field: string): Map<string, T> => {
    const out = new Map<string, T>();
    if (!values || values.length === 0) return out;
    rankBySeededHash(ids, deriveSeed(assignment.seed, field)).forEach((id, i) =>
      out.set(id, values[i % values.length]!),
    );
    return out;
  };
  const styles = deal(assignment.styles, "style");
  const levels = deal(assignment.resistance, "resistance_level");
  return cards.map((card) => ({
    ...card,
    ...(styles.has(card.id) ? { style: styles.get(card.id)! } : {}),
    ...(levels.has(card.id) ? { resistance_level: levels.get(card.id)! } : {}),
  }));
}
