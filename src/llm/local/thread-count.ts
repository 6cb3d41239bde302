import { availableParallelism } from "node:os";

/**
 * The default number of llama.cpp threads. On 2 cores or fewer, one thread: the
 * node-llama-cpp default (at least 4) oversubscribed a 2-core machine and made
 * generation about 20x slower, and Node's own thread needs a core too. Above that,
 * half the logical CPUs (about the physical cores, which is what llama.cpp scales
 * with), at most 16 because memory bandwidth, not cores, limits token generation.
 */
export function defaultThreadCount(logicalCpus: number = availableParallelism()): number {
  if (logicalCpus <= 2) return 1;
  return Math.min(16, Math.max(2, Math.floor(logicalCpus / 2)));
}
