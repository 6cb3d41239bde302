import type { ReportBuilder } from "../report-builder.js";
import { htmlTable } from "../report-page.js";
import type { ReportTable } from "../table-one.js";

export function inputsSection(b: ReportBuilder): void {
  const { datasets, battles, cardRefs, evaluations } = b.options.inputs;
  const refs = [
    ...datasets.map((d) => ({ name: d.name, ref: d.ref })),
    ...battles.map((x) => ({ name: "", ref: x.ref })),
    ...cardRefs.map((ref) => ({ name: "", ref })),
    ...evaluations.map((e) => ({ name: e.kind, ref: e.ref })),
  ];
  const table: ReportTable = {
    head: [b.text.role, "", b.text.file, b.text.records, b.text.sha256],
    rows: refs.map(({ name, ref }) => [
      ref.role,
      name,
      ref.file,
      ref.records === undefined ? "" : String(ref.records),
      ref.sha256,
    ]),
    numeric: [false, false, false, true, false],
  };
  b.add(
    "inputs",
    b.text.inputs,
    htmlTable(table).replace(/<td>([0-9a-f]{64})<\/td>/g, '<td class="hash mono">$1</td>'),
  );
}
