import { deriveSeed, SeededRandom } from "../core/random.js";
import { battleScore, type BattleOutcome } from "./battle-score.js";
import { quantile } from "./bootstrap.js";
import { computeElo, type EloOptions } from "./elo.js";

export interface EloBootstrapOptions {
  rounds: number;
  /** The leaderboard's seed; Elo draws from its own sub-stream, so Bradley–Terry's rounds do not change. */
  seed: number;
  /** Two-sided coverage; 0.95 gives the 2.5% and 97.5% quantiles. */
  coverage?: number;
  elo?: EloOptions;
}

export interface EloInterval {
  lower: number;
  upper: number;
}

/** The sub-stream label of the Elo bootstrap: `deriveSeed(seed, ELO_BOOTSTRAP_STREAM)`. */
export const ELO_BOOTSTRAP_STREAM = "elo-bootstrap";

/**
 * Bootstrap intervals for online Elo. Each round draws as many battles as there are, with
 * replacement (seeded), and replays them in the order the point estimate used (time or file):
 * the interval is then for the same estimator. FastChat replays a draw in draw order instead,
 * which also mixes order noise into its interval. Unparsed verdicts are not drawn (Elo skips
 * them). A model missing from a round's draw has no value in that round; its quantiles come
 * from the rounds it played in.
 */
export function bootstrapElo(
  ordered: readonly BattleOutcome[],
  options: EloBootstrapOptions,
): Map<string, EloInterval> {
  const rated = ordered.filter((b) => battleScore(b.winner) !== null);
  const point = computeElo(rated, options.elo);
  const samples = new Map<string, number[]>([...point.keys()].map((m) => [m, []]));
  const random = new SeededRandom(deriveSeed(options.seed, ELO_BOOTSTRAP_STREAM));
  const n = rated.length;
  const draw = new Int32Array(n);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < n; k++) draw[k] = random.int(n);
    draw.sort();
    const ratings = computeElo(
      Array.from(draw, (i) => rated[i]!),
      options.elo,
    );
    for (const [model, rating] of ratings) samples.get(model)!.push(rating);
  }
  const alpha = (1 - (options.coverage ?? 0.95)) / 2;
  const out = new Map<string, EloInterval>();
  for (const [model, values] of samples) {
    if (values.length === 0) {
      out.set(model, { lower: point.get(model)!, upper: point.get(model)! });
      continue;
    }
    const sorted = Float64Array.from(values).sort();
    out.set(model, { lower: quantile(sorted, alpha), upper: quantile(sorted, 1 - alpha) });
  }
  return out;
}
