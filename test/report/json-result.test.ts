import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../src/core/errors.js";
import { writeJsonResult } from "../../src/report/json-result.js";
import { tempDir } from "../helpers.js";

describe("writeJsonResult", () => {
  const wai = { schema: "psysim.evaluation/1", kind: "wai", aggregates: { n: 1 } };

  it("replaces only an empty file or a result of the same schema and kind, whole", () => {
    const dir = tempDir("psysim-json-result-");
    const file = join(dir, "wai.json");
    writeFileSync(file, "");
    writeJsonResult(file, wai);
    writeJsonResult(file, { ...wai, aggregates: { n: 2 } });
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { ...wai, aggregates: { n: 2 } });
    assert.deepEqual(readdirSync(dir), ["wai.json"], "no temporary file is left behind");
  });

  it("refuses a file holding anything else with one line, leaving it unchanged", () => {
    const dir = tempDir("psysim-json-result-");
    const cases: [string, RegExp][] = [
      ["notes\n", /notes\.json: exists and is not a psysim wai result \(no "schema"/],
      ["[1, 2]", /notes\.json: exists and is not a psysim wai result/],
      [
        JSON.stringify({ schema: "psysim.evaluation/1", kind: "topics" }),
        /notes\.json: exists and holds a psysim topics result, not a psysim wai result; psysim replaces only its own result of the same command/,
      ],
      [
        JSON.stringify({ schema: "psysim.ratings/1" }),
        /holds a psysim ratings result, not a psysim wai result/,
      ],
    ];
    for (const [content, message] of cases) {
      const file = join(dir, "notes.json");
      writeFileSync(file, content);
      assert.throws(
        () => writeJsonResult(file, wai),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
      assert.equal(readFileSync(file, "utf8"), content);
    }
  });
});
