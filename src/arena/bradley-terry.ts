import { PsysimError } from "../core/errors.js";
import type { PairwiseData } from "./pairwise-data.js";
import { beatGroups } from "./strongly-connected.js";

export const BT_SCALE = 400;
export const BT_BASE_RATING = 1000;

/** How the free constant of the ratings is fixed (they are identifiable only up to one). */
export type RatingCentre =
  { kind: "mean"; rating: number } | { kind: "anchor"; model: string; rating: number };

export interface BradleyTerryOptions {
  centre?: RatingCentre;
  /**
   * Virtual tied battles added between every pair of models when the MLE does not exist
   * (a model or group that never lost, or groups that never met). Each counts ½ a win
   * either way, pulling the separated groups to a finite distance. Unused otherwise.
   */
  pseudoTies?: number;
  tolerance?: number;
  maxIterations?: number;
}

export interface BradleyTerryFit {
  models: string[];
  /** Rating per model, in `models` order: 400·log10-strength, shifted by `centre`. */
  ratings: number[];
  centre: RatingCentre;
  converged: boolean;
  iterations: number;
  /**
   * Set when the data leave no finite MLE: the groups of models (best first) whose mutual
   * distance the data do not determine, and the pseudo-ties used to fit anyway.
   */
  separation: { groups: string[][]; pseudoTies: number } | null;
}

export const DEFAULT_PSEUDO_TIES = 1;

/**
 * Bradley–Terry maximum likelihood with ties as half a win (ratings.md): maximises
 * Σ w [y log σ(θa − θb) + (1 − y) log σ(θb − θa)] by Newton's method with step halving
 * on the natural-log strengths θ (one fixed at 0), then reports 400·θ/ln10 centred as asked.
 * The log-likelihood is concave, so Newton converges fast; the iteration cap only guards
 * against floating-point stalls and is reported through `converged`.
 */
export function fitBradleyTerry(
  data: PairwiseData,
  options: BradleyTerryOptions = {},
): BradleyTerryFit {
  const centre = options.centre ?? { kind: "mean", rating: BT_BASE_RATING };
  const n = data.models.length;
  if (centre.kind === "anchor" && !data.models.includes(centre.model)) {
    throw new PsysimError(
      "INPUT_INVALID",
      `anchor model "${centre.model}" has no rated battles (models: ${data.models.join(", ")})`,
    );
  }
  const groups = beatGroups(data);
  const separated = groups.length > 1;
  const pseudoTies = options.pseudoTies ?? DEFAULT_PSEUDO_TIES;
  if (separated && !(pseudoTies > 0)) {
    throw new PsysimError(
      "INPUT_INVALID",
      "the battles leave no finite Bradley–Terry fit and pseudo-ties are off; allow pseudo-ties above 0",
    );
  }
  const pairs = separated ? withPseudoTies(data, pseudoTies) : data.pairs;
  const { theta, converged, iterations } = newton(
    n,
    pairs,
    options.tolerance ?? 1e-10,
    options.maxIterations ?? 100,
  );

  const raw = theta.map((t) => (BT_SCALE * t) / Math.LN10);
  const shift =
    centre.kind === "anchor"
      ? centre.rating - raw[data.models.indexOf(centre.model)]!
      : centre.rating - raw.reduce((sum, r) => sum + r, 0) / Math.max(n, 1);
  const ratings = raw.map((r) => r + shift);
  const separation = separated
    ? {
        groups: groups
          .map((members) => ({ members, level: Math.max(...members.map((m) => ratings[m]!)) }))
          .sort((x, y) => y.level - x.level)
          .map(({ members }) => members.map((m) => data.models[m]!)),
        pseudoTies,
      }
    : null;
  return { models: data.models, ratings, centre, converged, iterations, separation };
}

function withPseudoTies(data: PairwiseData, count: number): PairwiseData["pairs"] {
  const n = data.models.length;
  const extra = new Map<number, { i: number; j: number; n: number; score: number }>();
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) extra.set(i * n + j, { i, j, n: count, score: count / 2 });
  for (const p of data.pairs) {
    const e = extra.get(p.i * n + p.j)!;
    e.n += p.n;
    e.score += p.score;
  }
  return [...extra.values()];
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function logLikelihood(theta: number[], pairs: PairwiseData["pairs"]): number {
  let ll = 0;
  for (const { i, j, n, score } of pairs) {
    const d = theta[i]! - theta[j]!;
    ll += score * d - n * softplus(d);
  }
  return ll;
}

function newton(n: number, pairs: PairwiseData["pairs"], tolerance: number, maxIterations: number) {
  const theta = new Array<number>(n).fill(0);
  // The last model stays at θ = 0: the likelihood only sees differences.
  const m = n - 1;
  let ll = logLikelihood(theta, pairs);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = new Array<number>(n).fill(0);
    const info = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (const { i, j, n: count, score } of pairs) {
      const p = 1 / (1 + Math.exp(theta[j]! - theta[i]!));
      const g = score - count * p;
      gradient[i]! += g;
      gradient[j]! -= g;
      const w = count * p * (1 - p);
      info[i]![i]! += w;
      info[j]![j]! += w;
      info[i]![j]! -= w;
      info[j]![i]! -= w;
    }
    const step = solveSymmetric(
      info.slice(0, m).map((row) => row.slice(0, m)),
      gradient.slice(0, m),
    );
    let t = 1;
    let next = theta.slice();
    let nextLl = -Infinity;
    for (let halvings = 0; halvings < 60; halvings++) {
      next = theta.map((v, k) => (k < m ? v + t * step[k]! : v));
      nextLl = logLikelihood(next, pairs);
      if (nextLl >= ll) break;
      t /= 2;
    }
    const moved = Math.max(0, ...next.map((v, k) => Math.abs(v - theta[k]!)));
    if (nextLl >= ll) {
      theta.splice(0, n, ...next);
      ll = nextLl;
    }
    if (moved < tolerance) return { theta, converged: true, iterations: iteration };
  }
  return { theta, converged: false, iterations: maxIterations };
}

/** Solves A x = b for a symmetric positive definite A (Cholesky). */
function solveSymmetric(a: number[][], b: number[]): number[] {
  const m = b.length;
  const l = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0))
          throw new PsysimError(
            "INPUT_INVALID",
            "the battles do not connect all models; the Bradley–Terry fit is undetermined",
          );
        l[i]![i] = Math.sqrt(sum);
      } else l[i]![j] = sum / l[j]![j]!;
    }
  }
  const y = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(m).fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < m; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}
