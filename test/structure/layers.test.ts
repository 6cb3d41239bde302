import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  importCycles,
  layerViolations,
  readImportGraph,
  type ImportEdge,
} from "../../scripts/import-graph.js";

describe("import layers", () => {
  it("has no lower layer importing a higher one in src/", () => {
    assert.deepEqual(layerViolations(readImportGraph()), []);
  });

  it("has no import cycle between modules or between folders of src/", () => {
    assert.deepEqual(importCycles(readImportGraph()), []);
  });

  it("reads type-only, re-export and dynamic imports as edges", () => {
    const edges = readImportGraph();
    const has = (from: string, to: string) => edges.some((e) => e.from === from && e.to === to);
    assert.ok(has("src/index.ts", "src/core/index.ts"), "export * from");
    assert.ok(
      has("src/cli/commands/simulate.ts", "src/cli/run-simulate.ts"),
      "import type + import()",
    );
  });

  it("names the offending edge for an upward import, a module cycle and a folder cycle", () => {
    const edges: ImportEdge[] = [
      { from: "src/llm/a.ts", to: "src/config/b.ts" },
      { from: "src/cli/x.ts", to: "src/cli/y.ts" },
      { from: "src/cli/y.ts", to: "src/cli/x.ts" },
      { from: "src/arena/p.ts", to: "src/export/q.ts" },
      { from: "src/export/r.ts", to: "src/arena/s.ts" },
      { from: "src/nowhere/n.ts", to: "src/core/c.ts" },
    ];
    assert.deepEqual(layerViolations(edges), [
      "src/llm/a.ts -> src/config/b.ts: llm (layer 1) imports config (layer 2)",
      "src/nowhere/n.ts -> src/core/c.ts: folder nowhere has no layer in LAYERS",
    ]);
    // llm -> config alone is upward but not a cycle; arena and export are one layer, so only
    // their folder cycle is reported.
    assert.deepEqual(importCycles(edges), [
      "cycle: src/cli/x.ts -> src/cli/y.ts, src/cli/y.ts -> src/cli/x.ts",
      "folder cycle arena <-> export: src/arena/p.ts -> src/export/q.ts, src/export/r.ts -> src/arena/s.ts",
    ]);
  });
});
