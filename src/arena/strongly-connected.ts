import type { PairwiseData } from "./pairwise-data.js";

/**
 * Groups of models that are "mutually beaten": within a group every model can be reached
 * from every other through a chain of wins (a tie counts both ways). The Bradley–Terry
 * MLE exists exactly when there is one group (Hunter 2004, Assumption 1); with more, the
 * likelihood keeps growing as the groups drift apart, so the fit has no finite optimum.
 */
export function beatGroups(data: PairwiseData): number[][] {
  const n = data.models.length;
  const beats: number[][] = Array.from({ length: n }, () => []);
  for (const { i, j, n: count, score } of data.pairs) {
    if (score > 0) beats[i]!.push(j);
    if (score < count) beats[j]!.push(i);
  }
  const reach = beats.map((_, start) => reachable(beats, start));
  const group = new Array<number>(n).fill(-1);
  const groups: number[][] = [];
  for (let a = 0; a < n; a++) {
    if (group[a] !== -1) continue;
    const members = [a];
    group[a] = groups.length;
    for (let b = a + 1; b < n; b++) {
      if (group[b] === -1 && reach[a]![b] && reach[b]![a]) {
        group[b] = groups.length;
        members.push(b);
      }
    }
    groups.push(members);
  }
  return groups;
}

function reachable(edges: number[][], start: number): boolean[] {
  const seen = new Array<boolean>(edges.length).fill(false);
  seen[start] = true;
  const stack = [start];
  while (stack.length > 0) {
    for (const next of edges[stack.pop()!]!) {
      if (!seen[next]) {
        seen[next] = true;
        stack.push(next);
      }
    }
  }
  return seen;
}
