import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  documentedApi,
  publicApi,
  updatedApiPage,
  type EntryApi,
} from "../../scripts/public-api.js";

/** Each difference as one line, so a failure says which name to list or remove. */
function differences(code: Record<string, EntryApi>, docs: Record<string, EntryApi>): string[] {
  const out: string[] = [];
  for (const entry of new Set([...Object.keys(code), ...Object.keys(docs)])) {
    const c = code[entry];
    const d = docs[entry];
    if (!c) out.push(`${entry}: documented, but not an entry point in package.json "exports"`);
    else if (!d) out.push(`${entry}: entry point in package.json, but no section in docs/api.md`);
    else
      for (const kind of ["values", "types"] as const) {
        for (const n of c[kind])
          if (!d[kind].includes(n)) out.push(`${entry}: ${n} is exported but not listed (${kind})`);
        for (const n of d[kind])
          if (!c[kind].includes(n)) out.push(`${entry}: ${n} is listed (${kind}) but not exported`);
      }
  }
  return out;
}

describe("public API", () => {
  // Reading the exports builds a TypeScript program over src/: once for this file.
  let api: Record<string, EntryApi> | undefined;
  const code = () => (api ??= publicApi());

  it("exports exactly what docs/api.md lists, from every entry point", () => {
    const docs = documentedApi(readFileSync("docs/api.md", "utf8"));
    assert.deepEqual(
      differences(code(), docs),
      [],
      "update docs/api.md: npx tsx scripts/public-api.ts --write (subpaths); the root table by hand",
    );
  });

  it("keeps the package root small: the pipeline, not every helper", () => {
    const root = code()["psysim"]!;
    assert.ok(root.values.length <= 40, `${root.values.length} runtime values at the root`);
  });

  it("reads the lists from tables and Values/Types lines, per section", () => {
    const md = [
      "## `psysim`",
      "",
      "| name | kind | what |",
      "|---|---|---|",
      "| `simulate` | value | runs `Algorithm 1` |",
      "| `RoleCard` | type | a card |",
      "## `psysim/core`",
      "Prose with `notAName` in backticks is not a list.",
      "Values: `b`, `a`",
      "Types: `T`",
    ].join("\n");
    assert.deepEqual(documentedApi(md), {
      psysim: { values: ["simulate"], types: ["RoleCard"] },
      "psysim/core": { values: ["a", "b"], types: ["T"] },
    });
    assert.deepEqual(
      differences({ psysim: { values: ["simulate", "extra"], types: [] } }, documentedApi(md)),
      [
        "psysim: extra is exported but not listed (values)",
        "psysim: RoleCard is listed (types) but not exported",
        'psysim/core: documented, but not an entry point in package.json "exports"',
      ],
    );
    const updated = updatedApiPage(md, {
      psysim: { values: ["other"], types: [] },
      "psysim/core": { values: ["c"], types: [] },
    });
    assert.deepEqual(documentedApi(updated), {
      psysim: { values: ["simulate"], types: ["RoleCard"] },
      "psysim/core": { values: ["c"], types: [] },
    });
  });
});
