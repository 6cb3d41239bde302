// The names each entry point of package.json "exports" makes public, read from the sources
// with the TypeScript compiler, and the names docs/api.md lists for them. Used by
// test/structure/public-api.test.ts; `npx tsx scripts/public-api.ts` prints what the sources
// export in docs/api.md's list format, to paste from when an export is added on purpose.
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const repo = fileURLToPath(new URL("..", import.meta.url));

export interface EntryApi {
  /** Names usable at run time (functions, classes, constants). */
  values: string[];
  /** Names that exist only for the type checker (interfaces, type aliases). */
  types: string[];
}

/** `"psysim/arena"` → `src/arena/index.ts`, for every subpath of package.json "exports" with types. */
export function entryPoints(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(`${repo}package.json`, "utf8")) as {
    name: string;
    exports: Record<string, string | { types: string }>;
  };
  const out: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === "string") continue;
    const name = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    out[name] = target.types.replace(/^\.\/dist\//, "src/").replace(/\.d\.ts$/, ".ts");
  }
  return out;
}

/** What each entry point exports, sorted; a class or a const with a type of the same name is a value. */
export function publicApi(): Record<string, EntryApi> {
  const entries = entryPoints();
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  };
  const files = Object.values(entries).map((f) => `${repo}${f}`);
  const program = ts.createProgram(files, options);
  const checker = program.getTypeChecker();
  const out: Record<string, EntryApi> = {};
  for (const [name, file] of Object.entries(entries)) {
    const source = program.getSourceFile(`${repo}${file}`);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${file}: not a module`);
    const values: string[] = [];
    const types: string[] = [];
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
    }
    out[name] = { values: values.sort(), types: types.sort() };
  }
  return out;
}

/**
 * docs/api.md's lists: under each `## \`psysim…\`` heading, the backticked names on lines
 * that start with `Values:` or `Types:`, or in the first column of a table row.
 */
export function documentedApi(markdown: string): Record<string, EntryApi> {
  const out: Record<string, EntryApi> = {};
  let current: EntryApi | undefined;
  for (const line of markdown.split("\n")) {
    const heading = /^## `([^`]+)`/.exec(line);
    if (heading) {
      current = out[heading[1]!] = { values: [], types: [] };
      continue;
    }
    if (!current) continue;
    const names = (text: string) => [...text.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]!);
    if (line.startsWith("Values:")) current.values.push(...names(line));
    else if (line.startsWith("Types:")) current.types.push(...names(line));
    else if (line.startsWith("| `")) {
      const [, first, kind] = line.split("|").map((c) => c.trim());
      (kind === "type" ? current.types : current.values).push(...names(first ?? ""));
    }
  }
  for (const api of Object.values(out)) {
    api.values.sort();
    api.types.sort();
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const wrap = (label: string, names: string[]) =>
    names.length === 0 ? [] : [`${label}: ${names.map((n) => `\`${n}\``).join(", ")}`];
  for (const [name, api] of Object.entries(publicApi())) {
    console.log(`## \`${name}\`\n`);
    console.log([...wrap("Values", api.values), ...wrap("Types", api.types)].join("\n\n"));
    console.log();
  }
}
