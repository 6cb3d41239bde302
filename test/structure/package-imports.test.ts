import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

// A package imported by src/ must be one an installed psysim gets: a devDependency is
// present in this checkout, so nothing else would notice until a user's install breaks.
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

describe("package imports", () => {
  it("imports from src/ only packages in dependencies or peerDependencies", () => {
    const manifest = JSON.parse(readFileSync("package.json", "utf8")) as Record<
      string,
      Record<string, string> | undefined
    >;
    const allowed = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const offending: string[] = [];
    for (const file of sources("src")) {
      const text = readFileSync(file, "utf8");
      const statics = /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([@a-z][a-z0-9._/@-]*)["']/gm;
      const dynamics = /\bimport\(\s*["']([@a-z][a-z0-9._/@-]*)["']\s*\)/g;
      for (const match of [...text.matchAll(statics), ...text.matchAll(dynamics)]) {
        const specifier = match[1]!;
        if (specifier.startsWith("node:")) continue;
        if (!allowed.has(packageOf(specifier))) offending.push(`${file}: ${specifier}`);
      }
    }
    assert.deepEqual(offending, []);
  });
});
