import { Resvg } from "@resvg/resvg-js";
import { parse as parseVega, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../core/jsonl.js";
import { useChartTextMetrics } from "./text-metrics.js";

/**
 * Fonts tried in order. "Noto Sans CJK SC" comes first so Chinese labels render as glyphs,
 * not boxes (Debian `fonts-noto-cjk`); the rest cover machines without it.
 */
export const CHART_FONT =
  '"Noto Sans CJK SC", "Noto Sans CJK", "Noto Sans", "DejaVu Sans", sans-serif';

export interface ChartFiles {
  svg: string;
  png: string;
}

export interface RenderChartOptions {
  /** PNG pixels per SVG unit; default 2 so text stays sharp when the PNG is shown in a paper or slide. */
  scale?: number;
  /** PNG background; default white, since transparent PNGs look broken in many viewers. */
  background?: string;
}

/**
 * Type sizes a figure stays readable at when it is shrunk to a column in a paper: Vega's
 * defaults (10–11 px labels) become hard to read at half size.
 */
const READABLE = {
  axis: { labelFontSize: 12, titleFontSize: 13 },
  legend: { labelFontSize: 12, titleFontSize: 12 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  title: { fontSize: 15, subtitleFontSize: 12 },
};

/** Applies psysim's font and a white background unless the spec sets its own. */
function withDefaults(spec: TopLevelSpec): TopLevelSpec {
  const config = spec.config ?? {};
  return {
    background: "white",
    ...spec,
    config: { font: CHART_FONT, ...READABLE, ...config },
  } as TopLevelSpec;
}

/** Compiles a Vega-Lite spec and renders it headless (no canvas) to an SVG string. */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  useChartTextMetrics();
  const vegaSpec = compile(withDefaults(spec)).spec;
  const view = new View(parseVega(vegaSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG with the system fonts (so CJK fonts installed by the OS are found). */
export function svgToPng(svg: string, options: RenderChartOptions = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: options.scale ?? 2 },
    background: options.background ?? "white",
    font: {
      loadSystemFonts: true,
      defaultFontFamily: "Noto Sans CJK SC",
      sansSerifFamily: "Noto Sans CJK SC",
    },
  });
  return resvg.render().asPng();
}

/**
 * Renders a Vega-Lite spec to `<base>.svg` and `<base>.png`, each written atomically,
 * so a reader never sees half a chart.
 *
 * @example
 * await renderChart({ data: { values: [{ x: "焦虑", n: 3 }] }, mark: "bar",
 *   encoding: { x: { field: "x" }, y: { field: "n", type: "quantitative" } } }, "out/topics");
 */
export async function renderChart(
  spec: TopLevelSpec,
  base: string,
  options: RenderChartOptions = {},
): Promise<ChartFiles> {
  const svg = await renderChartSvg(spec);
  const png = svgToPng(svg, options);
  const files = { svg: `${base}.svg`, png: `${base}.png` };
  writeFileAtomic(files.svg, svg);
  writeFileAtomic(files.png, png);
  return files;
}
