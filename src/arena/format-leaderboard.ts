import type { Leaderboard } from "./leaderboard.js";

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => [...row[c]!].length)));
  return cells
    .map((row) =>
      row
        .map((cell, c) => cell + " ".repeat(widths[c]! - [...cell].length))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const fixed = (x: number, digits = 1) => x.toFixed(digits);
const percent = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);

/** The leaderboard as plain text tables for the terminal. */
export function formatLeaderboard(board: Leaderboard, title = "Leaderboard"): string {
  const bt = board.bradleyTerry;
  const centre =
    bt.centre.kind === "anchor"
      ? `${bt.centre.model} anchored at ${bt.centre.rating}`
      : `mean ${bt.centre.rating}`;
  const lines: string[] = [
    `${title}: ${board.battles} battles${board.unparsed ? ` (${board.unparsed} unparsed, not rated)` : ""}; judges: ${board.judges.join(", ")}`,
    `Bradley–Terry (ties ½), ${Math.round(bt.coverage * 100)}% bootstrap intervals from ${bt.rounds} rounds (seed ${bt.seed}); centred on ${centre}. Elo: online, K=${board.elo.k}, ${board.elo.order === "time" ? `time order (ts${board.elo.timeInversions > 0 ? `; ${board.elo.timeInversions} battles were out of order in the input` : ""})` : "file order"}; its intervals replay each bootstrap draw in that order.`,
    pad([
      ["rank", "model", "rating", "interval", "elo", "elo interval", "battles"],
      ...board.rows.map((r) => [
        String(r.rank),
        r.model,
        fixed(r.rating),
        `[${fixed(r.lower)}, ${fixed(r.upper)}]`,
        fixed(r.elo),
        `[${fixed(r.eloLower)}, ${fixed(r.eloUpper)}]`,
        String(r.battles),
      ]),
    ]),
  ];
  if (bt.separation) {
    lines.push(
      `Note: the battles leave no finite maximum-likelihood fit (a model or group never lost to, or never met, the others). ` +
        `Groups, best first: ${bt.separation.groups.map((g) => `{${g.join(", ")}}`).join(", ")}. ` +
        `Fitted with ${bt.separation.pseudoTies} pseudo-tie(s) per pair; the gaps between groups reflect that prior, not the data.`,
    );
  }
  if (bt.roundsWithPseudoTies > 0)
    lines.push(
      `${bt.roundsWithPseudoTies} of ${bt.rounds} bootstrap rounds needed pseudo-ties (their resample had a model that never lost or never won).`,
    );
  if (!bt.converged || bt.roundsNotConverged > 0)
    lines.push(
      `Warning: the Newton iteration hit its cap (${bt.converged ? "" : "full fit; "}${bt.roundsNotConverged} bootstrap rounds).`,
    );
  lines.push(
    "",
    "Battles per pair (Figure 14):",
    pad([
      ["", ...board.matrix.models],
      ...board.matrix.models.map((m, i) => [
        m,
        ...board.matrix.counts[i]!.map((n, j) => (i === j ? "-" : String(n))),
      ]),
    ]),
  );
  lines.push(
    "",
    "Upvotes (Table 4; a win 1, a tie ½; occurrences = sessions):",
    pad([
      ["model", "upvotes", "occurrences", "average"],
      ...board.upvotes.map((u) => [
        u.model,
        String(u.upvotes),
        String(u.occurrences),
        fixed(u.average, 2),
      ]),
    ]),
  );
  const bias = board.judgeBias;
  lines.push(
    "",
    `Position flips: ${bias.bothOrders ? `${bias.flips} of ${bias.bothOrders} battles judged in both orders (${percent(bias.flipRate)})` : "n/a (no battle was judged in both orders)"}.`,
    `Longer response won: ${bias.decisiveUnequalLength ? `${bias.longerWon} of ${bias.decisiveUnequalLength} decisive battles (${percent(bias.longerWonRate)})` : "n/a"}.`,
  );
  return lines.join("\n");
}
