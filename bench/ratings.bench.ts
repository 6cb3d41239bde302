// Ratings at the scale of a large arena: 100,000 battles among 10 models, Bradley–Terry
// with 1,000 bootstrap rounds, against a single fit on the same data. Reports the ratio
// (the target: the whole bootstrap under 5 s on this machine).
import { performance } from "node:perf_hooks";
import { SeededRandom } from "../src/core/random.js";
import type { Winner } from "../src/core/battle.js";
import {
  bootstrapBradleyTerry,
  computeElo,
  fitBradleyTerry,
  pairwiseData,
  type BattleOutcome,
} from "../src/arena/index.js";

const MODELS = 10;
const BATTLES = 100_000;
const ROUNDS = 1_000;

const random = new SeededRandom(42);
const truth = Array.from({ length: MODELS }, (_, k) => 1000 + 40 * (k - (MODELS - 1) / 2));
const battles: BattleOutcome[] = [];
for (let n = 0; n < BATTLES; n++) {
  const a = random.int(MODELS);
  let b = random.int(MODELS - 1);
  if (b >= a) b += 1;
  const pa = 1 / (1 + 10 ** ((truth[b]! - truth[a]!) / 400));
  // 10% ties; decisive outcomes are drawn so that A's expected score (a tie ½) is the true pa.
  const winner: Winner =
    random.next() < 0.1 ? "tie" : random.next() < (pa - 0.05) / 0.9 ? "a" : "b";
  battles.push({ model_a: `m${a}`, model_b: `m${b}`, winner });
}

/** Wall and CPU time: on the shared 2-core machine the CPU figure is the steadier one. */
function time<T>(run: () => T): { ms: number; cpuMs: number; value: T } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

const single = time(() => fitBradleyTerry(pairwiseData(battles)));
const elo = time(() => computeElo(battles));
const boot = time(() => bootstrapBradleyTerry(battles, { rounds: ROUNDS, seed: 1 }));
const maxError = Math.max(
  ...single.value.models.map((m, k) =>
    Math.abs(single.value.ratings[k]! - truth[Number(m.slice(1))]!),
  ),
);
console.log(`battles ${BATTLES}, models ${MODELS}, bootstrap rounds ${ROUNDS}`);
console.log(
  `single fit (collapse + Newton, ${single.value.iterations} iterations): ${single.ms.toFixed(1)} ms wall, ${single.cpuMs.toFixed(1)} ms CPU`,
);
console.log(`online Elo pass: ${elo.ms.toFixed(1)} ms`);
console.log(
  `bootstrap ${ROUNDS} rounds: ${(boot.ms / 1000).toFixed(2)} s wall, ${(boot.cpuMs / 1000).toFixed(2)} s CPU = ${(boot.ms / single.ms).toFixed(0)}× a single fit (${(boot.ms / ROUNDS).toFixed(2)} ms a round)`,
);
console.log(
  `largest |fit − true rating|: ${maxError.toFixed(1)} points; widest 95% interval: ${Math.max(...boot.value.models.map((m) => m.upper - m.lower)).toFixed(1)} points`,
);
console.log(
  `rounds needing pseudo-ties: ${boot.value.roundsWithPseudoTies}; rounds not converged: ${boot.value.roundsNotConverged}`,
);
