import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CHART_FONT, renderChart, renderChartSvg, svgToPng } from "../../src/report/index.js";
import { tempDir } from "../helpers.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function textSvg(text: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><text x="4" y="30" font-size="28" font-family='${CHART_FONT}'>${text}</text></svg>`;
}

describe("renderChart", () => {
  it("writes an SVG and a PNG for a Vega-Lite spec, with the CJK font first in the family list", async () => {
    const dir = tempDir();
    const files = await renderChart(
      {
        data: {
          values: [
            { topic: "焦虑", n: 5 },
            { topic: "抑郁", n: 3 },
          ],
        },
        mark: "bar",
        encoding: {
          x: { field: "topic", type: "nominal" },
          y: { field: "n", type: "quantitative" },
        },
      },
      join(dir, "topics"),
    );
    assert.deepEqual(files, { svg: join(dir, "topics.svg"), png: join(dir, "topics.png") });
    const svg = readFileSync(files.svg, "utf8");
    assert.match(svg, /^<svg/);
    assert.ok(
      svg.includes(">焦虑<") && svg.includes(">抑郁<"),
      "axis labels keep their Chinese text",
    );
    assert.ok(svg.includes("Noto Sans CJK SC"), "the CJK font is named");
    assert.deepEqual(readFileSync(files.png).subarray(0, 8), PNG_SIGNATURE);
    assert.deepEqual(
      readdirSync(dir).sort(),
      ["topics.png", "topics.svg"],
      "no temporary files are left",
    );
  });

  it("draws different Chinese characters differently, so they are glyphs and not missing-glyph boxes", () => {
    // A missing font draws every character as the same .notdef box; two distinct glyphs differ.
    const a = Buffer.from(svgToPng(textSvg("话"), { scale: 1 }));
    const b = Buffer.from(svgToPng(textSvg("题"), { scale: 1 }));
    const blank = Buffer.from(svgToPng(textSvg(""), { scale: 1 }));
    assert.notDeepEqual(a, blank, "something was drawn");
    assert.notDeepEqual(a, b);
  });

  it("keeps a spec's own font and background when it sets them", async () => {
    const svg = await renderChartSvg({
      background: "#eeeeee",
      config: { font: "DejaVu Sans" },
      data: { values: [{ x: "a", y: 1 }] },
      mark: "bar",
      encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
    });
    assert.ok(svg.includes('fill="#eeeeee"'));
    assert.ok(!svg.includes("Noto Sans CJK SC"));
  });
});
