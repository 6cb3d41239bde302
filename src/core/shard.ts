import { createHash } from "node:crypto";
import { PsysimError } from "./errors.js";

/**
 * One part of a pool split over machines (`--shard k/n`), 1-based like Playwright's
 * `--shard=2/3`. A Slurm array task or a Kubernetes Indexed Job computes its own part from
 * its index alone, with no coordinator: every machine must put each id in the same shard.
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count)
    throw new PsysimError(
      "INPUT_INVALID",
      `--shard expects k/n with 1 <= k <= n (e.g. 2/8; a 0-based array index i is $((i+1))/n), got "${text}"`,
    );
  return { index, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * The shard (1-based) an id falls in: the first 48 bits of SHA-256 over the id's UTF-8
 * bytes, modulo n, plus 1. A hash rather than the id's position, so the split does not
 * depend on the pool's order or on which cards were already added; 48 bits keep the modulo
 * bias below 1e-9 for any n a cluster would use.
 */
export function shardOfId(id: string, count: number): number {
  const digest = createHash("sha256").update(id, "utf8").digest();
  return (digest.readUIntBE(0, 6) % count) + 1;
}

/** Whether `id` belongs to `shard`; every id does when there is no shard. */
export function inShard(id: string, shard: Shard | undefined): boolean {
  return shard === undefined || shardOfId(id, shard.count) === shard.index;
}
