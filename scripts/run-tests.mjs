// Runs every test/**/*.test.ts with node's test runner. Node 20 does not expand globs,
// and `node --test` with no files passes with zero tests, so we list files ourselves
// and fail loudly if there are none.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "fixtures" && name !== "node_modules") out.push(...find(path));
    } else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = find("test")
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error("run-tests: no test files found");
  process.exit(1);
}
// Tests write only under temporary folders. These are the places a command or an old test
// would write into the checkout by itself, so their appearance fails the run.
const strays = [
  [".psysim", "give the command --cache or --no-cache"],
  ["test-output", "save pictures under screenshotDir() from test/helpers.ts"],
  ["psysim-demo", "give the demo --out in a temporary folder"],
].filter(([path]) => !existsSync(path));
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
for (const [path, fix] of strays) {
  if (existsSync(path)) {
    console.error(`run-tests: a test wrote ${path}/ into the checkout; ${fix}`);
    process.exit(1);
  }
}
process.exit(result.status ?? 1);
