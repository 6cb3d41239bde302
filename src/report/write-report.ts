import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/jsonl.js";
import { buildReport, type BuildReportOptions } from "./build-report.js";
import { readReportInputs, type ReportInputFiles } from "./report-inputs.js";
import { svgToPng } from "./render-chart.js";

export interface WriteReportOptions extends Omit<BuildReportOptions, "inputs"> {
  files: ReportInputFiles;
  out: string;
  /** Also write every figure as `<name>.svg` and `<name>.png` here. */
  figures?: string;
}

/**
 * Reads the inputs, builds the page and writes it atomically (a reader never sees half a
 * report); with `figures`, each figure also as SVG and PNG for a paper.
 */
export async function writeReport(
  options: WriteReportOptions,
): Promise<{ out: string; figures: string[]; bytes: number }> {
  const inputs = await readReportInputs(options.files);
  const report = await buildReport({ ...options, inputs });
  const written: string[] = [];
  if (options.figures) {
    mkdirSync(options.figures, { recursive: true });
    for (const figure of report.figures) {
      const base = join(options.figures, figure.name);
      writeFileAtomic(`${base}.svg`, figure.svg);
      writeFileAtomic(`${base}.png`, svgToPng(figure.svg));
      written.push(`${base}.svg`, `${base}.png`);
    }
  }
  writeFileAtomic(options.out, report.html);
  return { out: options.out, figures: written, bytes: Buffer.byteLength(report.html) };
}
