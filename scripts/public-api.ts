// The names each entry point of package.json "exports" makes public, read from the sources
// with the TypeScript compiler, and the names docs/api.md lists for them. Used by
// test/structure/public-api.test.ts. When an export is added or removed on purpose,
// `npx tsx scripts/public-api.ts --write` rewrites docs/api.md's subpath lists (review the diff:
// it is the API change); without --write it prints them.
import { readFileSync, writeFileSync } from "node:fs";
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

/**
 * docs/api.md with every subpath section's `Values:`/`Types:` lines replaced by what the code
 * exports. The package root's table is written by hand (each name says what it is for), so it
 * is left alone; the test still compares it.
 */
export function updatedApiPage(markdown: string, api: Record<string, EntryApi>): string {
  const list = (label: string, names: readonly string[]) =>
    names.length === 0 ? [] : [`${label}: ${names.map((n) => `\`${n}\``).join(", ")}`];
  const out: string[] = [];
  let section: string | undefined;
  for (const line of markdown.split("\n")) {
    const heading = /^## `([^`]+)`/.exec(line);
    if (heading) section = heading[1];
    const entry = section === undefined || section === "psysim" ? undefined : api[section];
    if (entry && line.startsWith("Values:")) out.push(...list("Values", entry.values));
    else if (entry && line.startsWith("Types:")) out.push(...list("Types", entry.types));
    else out.push(line);
  }
  return out.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const api = publicApi();
  if (process.argv.includes("--write")) {
    const page = `${repo}docs/api.md`;
    writeFileSync(page, updatedApiPage(readFileSync(page, "utf8"), api));
    console.log("docs/api.md: subpath lists rewritten; the psysim root table is edited by hand");
  } else {
    for (const [name, entry] of Object.entries(api)) {
      console.log(`## \`${name}\`\n`);
      console.log(`Values: ${entry.values.map((n) => `\`${n}\``).join(", ")}\n`);
      console.log(`Types: ${entry.types.map((n) => `\`${n}\``).join(", ")}\n`);
    }
  }
}
