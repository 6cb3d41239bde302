import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** A reason to skip browser tests, or false when Chromium is installed. */
export const skipWithoutChromium = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing; install Debian's chromium and fonts-noto-cjk (see .ci/run) to run the browser tests`;

/** Headless Chromium with the flags that keep it off the network (reference/stack.md). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface TextBox {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface FigureTextCheck {
  id: string;
  size: number[];
  outside: TextBox[];
}

/**
 * Page script: for every SVG matching `selector`, each text element's getBBox corners
 * mapped through its transform (getCTM) into the SVG's own units, and those reaching
 * outside the SVG's width and height. Source text, because the tests are typed without
 * the DOM library.
 */
export function textOutsideScript(selector: string): string {
  return `Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map((root) => {
  const width = Number(root.getAttribute("width"));
  const height = Number(root.getAttribute("height"));
  const outside = [];
  for (const el of root.querySelectorAll("text")) {
    if (!el.textContent.trim()) continue;
    const box = el.getBBox();
    const m = el.getCTM();
    const corners = [[box.x, box.y], [box.x + box.width, box.y], [box.x, box.y + box.height],
      [box.x + box.width, box.y + box.height]].map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
    const r = {
      text: el.textContent,
      left: Math.min(...corners.map((p) => p.x)),
      right: Math.max(...corners.map((p) => p.x)),
      top: Math.min(...corners.map((p) => p.y)),
      bottom: Math.max(...corners.map((p) => p.y)),
    };
    // Half a pixel of slack: glyph boxes include side bearings that draw nothing.
    if (r.left < -0.5 || r.top < -0.5 || r.right > width + 0.5 || r.bottom > height + 0.5)
      outside.push(r);
  }
  return { id: root.parentElement.id, size: [width, height], outside };
})`;
}
