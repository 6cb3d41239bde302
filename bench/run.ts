// `npm run bench`: runs every bench/*.bench.ts (or those whose name contains an argument)
// in its own process, so peak-memory figures are not polluted by another benchmark.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const filter = process.argv.slice(2);
const files = readdirSync("bench")
  .filter(
    (f) =>
      f.endsWith(".bench.ts") && (filter.length === 0 || filter.some((part) => f.includes(part))),
  )
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--expose-gc", join("bench", file)],
    { stdio: "inherit" },
  );
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
