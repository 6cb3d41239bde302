// The import graph of src/ and the two rules it must keep: layers point one way, and no
// module imports itself back through others. Used by test/structure/layers.test.ts, so the
// suite fails on the offending edge; run `npx tsx scripts/import-graph.ts` to print the report.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

/**
 * Each top-level folder of src/ (and src/index.ts, the package root) with its layer: a module
 * may import its own folder, any lower layer, and a folder of its own layer as long as no folder
 * cycle results. `app` reads psysim.yaml and the call cache for a command run; it sits below
 * the server and the CLI, which both use it, and above the library layers, which must not.
 * `grounding` (retrieval of real counseling exchanges) sits with prompts, below `simulation`:
 * the agents put what it retrieves into their prompts, and it needs only core (the word
 * segmenter, shared with the metrics) and llm (embeddings), never a session.
 */
export const LAYERS: Readonly<Record<string, number>> = {
  core: 0,
  llm: 1,
  config: 2,
  prompts: 2,
  grounding: 2,
  simulation: 3,
  evaluation: 4,
  arena: 4,
  export: 4,
  cards: 4,
  app: 5,
  report: 6,
  server: 6,
  cli: 7,
  index: 8,
};

/** One import, as `from -> to` with paths relative to the repository (`src/llm/retry.ts`). */
export interface ImportEdge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const posix = (path: string): string => path.split(sep).join("/");

/**
 * Every relative import of every .ts file under src/ (static, type-only, `export … from`
 * and `await import(…)`): a type-only import still ties the importer to the other module's
 * concepts, so it counts. Package imports are not edges.
 */
export function readImportGraph(): ImportEdge[] {
  const repo = fileURLToPath(new URL("..", import.meta.url));
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(join(repo, "src"))) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = normalize(join(dirname(file), fileName)).replace(/\.js$/, ".ts");
      edges.push({ from: posix(relative(repo, file)), to: posix(relative(repo, target)) });
    }
  }
  return edges;
}

/** The layer folder of a source path: `src/llm/providers/x.ts` → `llm`, `src/index.ts` → `index`. */
export function folderOf(path: string): string {
  const parts = path.split("/");
  return parts.length === 2 ? parts[1]!.replace(/\.ts$/, "") : parts[1]!;
}

/** Imports from a lower layer up to a higher one, and imports of folders that have no layer. */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b) continue;
    const la = LAYERS[a];
    const lb = LAYERS[b];
    if (la === undefined || lb === undefined) {
      out.push(`${from} -> ${to}: folder ${la === undefined ? a : b} has no layer in LAYERS`);
    } else if (lb > la) {
      out.push(`${from} -> ${to}: ${a} (layer ${la}) imports ${b} (layer ${lb})`);
    }
  }
  return out;
}

/** Strongly connected components with more than one node (Tarjan), each sorted. */
function cycles(
  nodes: Iterable<string>,
  next: ReadonlyMap<string, ReadonlySet<string>>,
): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** The edges inside one cycle, so the message names what to cut. */
function describeCycle(
  members: readonly string[],
  edges: readonly { from: string; to: string }[],
): string {
  const inside = new Set(members);
  const shown = edges
    .filter((e) => inside.has(e.from) && inside.has(e.to) && e.from !== e.to)
    .map((e) => `${e.from} -> ${e.to}`);
  return `cycle: ${[...new Set(shown)].sort().join(", ")}`;
}

/** Module cycles (between files) and folder cycles (between top-level folders of src/). */
export function importCycles(edges: readonly ImportEdge[]): string[] {
  const adjacency = (pairs: readonly { from: string; to: string }[]) => {
    const map = new Map<string, Set<string>>();
    for (const { from, to } of pairs) {
      if (from === to) continue;
      if (!map.has(from)) map.set(from, new Set());
      map.get(from)!.add(to);
    }
    return map;
  };
  const files = new Set(edges.flatMap((e) => [e.from, e.to]));
  const fileCycles = cycles(files, adjacency(edges)).map((c) => describeCycle(c, edges));
  const folderEdges = edges.map((e) => ({ from: folderOf(e.from), to: folderOf(e.to), e }));
  const folders = new Set(folderEdges.flatMap((e) => [e.from, e.to]));
  const folderCycles = cycles(folders, adjacency(folderEdges)).map((members) => {
    const inside = new Set(members);
    const shown = folderEdges
      .filter((f) => f.from !== f.to && inside.has(f.from) && inside.has(f.to))
      .map((f) => `${f.e.from} -> ${f.e.to}`);
    return `folder cycle ${members.join(" <-> ")}: ${shown.sort().join(", ")}`;
  });
  return [...fileCycles, ...folderCycles];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const edges = readImportGraph();
  const problems = [...layerViolations(edges), ...importCycles(edges)];
  for (const p of problems) console.log(p);
  console.log(`${edges.length} imports, ${problems.length} problems`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
