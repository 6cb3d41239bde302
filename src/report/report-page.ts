import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Language } from "../core/language.js";
import type { Provenance } from "./report-provenance.js";
import type { ReportText } from "./report-text.js";
import type { ReportTable } from "./table-one.js";

/**
 * The page's stylesheet and script live in src/report/static/ and are inlined into every
 * report; like the server's assets they are read from the source tree, so the path works
 * from src/ and from the compiled dist/.
 */
const STATIC_DIR = fileURLToPath(new URL("../../src/report/static/", import.meta.url));

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** JSON that can sit inside a <script> element: no "</script>" and no HTML comment openers. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * A table that also reads on a phone: each body cell carries its column's header in
 * `data-label`, and below 700 px a table of four columns or more is stacked (report.css):
 * one block per row, its first cell as the heading, each value beside its column's name,
 * instead of a box that scrolls sideways.
 */
export function htmlTable(table: ReportTable, caption?: string): string {
  const cell = (tag: string, value: string, k: number, label?: string) =>
    `<${tag}${table.numeric[k] ? ' class="num"' : ""}${label ? ` data-label="${escapeHtml(label)}"` : ""}>${escapeHtml(value)}</${tag}>`;
  const stack = (table.stack ?? table.head.length >= 4) ? ' class="stack"' : "";
  return `<div class="table-scroll"><table${stack}>${caption ? `<caption class="note">${escapeHtml(caption)}</caption>` : ""}<thead><tr>${table.head
    .map((h, k) => cell("th", h, k))
    .join("")}</tr></thead><tbody>${table.rows
    .map(
      (row) =>
        `<tr>${row.map((v, k) => (k === 0 ? cell("th", v, k) : cell("td", v, k, table.head[k]))).join("")}</tr>`,
    )
    .join("")}</tbody></table></div>`;
}

/**
 * Gives every id inside a chart a prefix, so several inline SVGs (each numbering its own
 * gradients and clip paths) never point at one another's definitions.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

export function figureHtml(id: string, svg: string, name: string, text: ReportText): string {
  return `<div class="chart-box"><div class="chart" id="chart-${id}">${scopeSvgIds(svg, id)}</div><div class="figure-tools"><button type="button" data-svg="chart-${id}" data-name="${escapeHtml(name)}">${escapeHtml(text.downloadSvg)}</button></div></div>`;
}

export function provenanceHtml(provenance: Provenance, text: ReportText): string {
  const inputs: ReportTable = {
    head: [text.role, text.file, text.records, text.sha256],
    rows: provenance.inputs.map((r) => [
      r.role,
      r.file,
      r.records === undefined ? "" : String(r.records),
      r.sha256,
    ]),
    numeric: [false, false, true, false],
  };
  return `<details class="provenance"><summary>${escapeHtml(text.howMade)}</summary>
<h4>${escapeHtml(text.command)}</h4><pre class="command">${escapeHtml(provenance.command)}</pre>
<h4>${escapeHtml(text.inputs)}</h4>${htmlTable(inputs).replace(/<td>([0-9a-f]{64})<\/td>/g, '<td class="hash mono">$1</td>')}
<h4>${escapeHtml(text.settings)}</h4><pre class="settings">${escapeHtml(JSON.stringify(provenance.settings, null, 2))}</pre></details>`;
}

export interface PageSection {
  id: string;
  title: string;
  html: string;
}

/** The whole self-contained page: inline CSS, inline SVG, data as JSON, one inline script. */
export function pageHtml(parts: {
  language: Language;
  title: string;
  lead: string;
  sections: readonly PageSection[];
  data: unknown;
  /** Parsed by the page after the list is shown: it comes after the script, so the parser reaches it last. */
  dialogues?: unknown;
  text: ReportText;
}): string {
  const css = readFileSync(STATIC_DIR + "report.css", "utf8");
  const script = readFileSync(STATIC_DIR + "report.js", "utf8");
  const toc = parts.sections
    .map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`)
    .join("");
  return `<!doctype html>
<html lang="${parts.language === "zh" ? "zh-CN" : "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: blob:">
<title>${escapeHtml(parts.title)}</title>
<style>${css}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(parts.title)}</h1><p class="lead">${parts.lead}</p></header>
<nav class="toc" aria-label="${escapeHtml(parts.text.contents)}"><h2>${escapeHtml(parts.text.contents)}</h2><ol>${toc}</ol></nav>
${parts.sections.map((s) => `<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>${s.html}</section>`).join("\n")}
</main>
<script type="application/json" id="psysim-data">${scriptJson(parts.data)}</script>
<script>${script}</script>
<script type="application/json" id="psysim-dialogues">${scriptJson(parts.dialogues ?? [])}</script>
</body>
</html>
`;
}
