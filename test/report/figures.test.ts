import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { renderChartSvg, svgToPng } from "../../src/report/index.js";
import {
  launchChromium,
  skipWithoutChromium,
  textOutsideScript,
  type FigureTextCheck,
  type TextBox,
} from "./chromium.js";
import { everyFigure } from "./figure-fixtures.js";
import { screenshotDir } from "../helpers.js";

const SHOTS = screenshotDir("report/figures");

/** Renders the SVG alone in the page and lists its text elements that leave the image. */
async function textOutside(
  page: Page,
  svg: string,
): Promise<{ size: number[]; outside: TextBox[] }> {
  await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
  const [figure] = await page.evaluate<FigureTextCheck[]>(textOutsideScript("svg"));
  return figure!;
}

describe("paper figures", { skip: skipWithoutChromium }, () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  });
  after(async () => browser?.close());

  for (const language of ["zh", "en"] as const) {
    for (const { name, spec } of everyFigure(language)) {
      it(`${name} (${language}) keeps every text element inside the image in Chromium, as SVG and PNG`, async () => {
        const svg = await renderChartSvg(spec);
        const png = svgToPng(svg);
        writeFileSync(join(SHOTS, `${name}.${language}.svg`), svg);
        writeFileSync(join(SHOTS, `${name}.${language}.png`), png);
        const { size, outside } = await textOutside(page, svg);
        assert.deepEqual(outside, []);
        // The PNG is the same picture at twice the size (IHDR width and height).
        const ihdr = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
        assert.deepEqual(
          [ihdr.readUInt32BE(16), ihdr.readUInt32BE(20)],
          size.map((s) => Math.round(s * 2)),
        );
        assert.ok(size[0]! <= 1100, `${size[0]} px is wider than a page`);
      });
    }
  }

  it("labels axes and titles in the language asked for", async () => {
    const zh = await renderChartSvg(everyFigure("zh")[0]!.spec);
    const en = await renderChartSvg(everyFigure("en")[0]!.spec);
    assert.ok(zh.includes("词汇重叠率") && zh.includes("会话数") && !zh.includes("sessions"));
    assert.ok(en.includes("vocabulary overlap rate") && en.includes(">sessions<"));
  });

  it("gives the battle matrix an integer legend and white numbers on its dark cells", async () => {
    const figure = everyFigure("en").find((f) => f.name === "fig14-battles")!;
    const svg = await renderChartSvg(figure.spec);
    await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
    const { legend, cells } = await page.evaluate<{
      legend: string[];
      cells: { n: number; fill: string }[];
    }>(`(() => {
      const texts = Array.from(document.querySelectorAll("text"));
      return {
        legend: texts.filter((t) => t.closest(".role-legend")).map((t) => t.textContent)
          .filter((t) => /\\d/.test(t)),
        cells: texts.filter((t) => t.closest(".role-mark") && /^\\d+$/.test(t.textContent))
          .map((t) => ({ n: Number(t.textContent), fill: t.getAttribute("fill") })),
      };
    })()`);
    assert.ok(legend.length >= 2);
    for (const label of legend) assert.match(label, /^\d+$/, `legend label "${label}"`);
    const max = Math.max(...cells.map((c) => c.n));
    for (const c of cells) assert.equal(c.fill, c.n > max / 2 ? "white" : "#222222");
  });
});
