import { noRecords, readJsonl } from "../core/jsonl.js";
import { PsysimError } from "../core/errors.js";

export type ExportInputKind = "dialogues" | "battles";

/** Tells dialogues from arena battles by the first record's `schema` tag, or by its shape when untagged. */
export async function detectExportInput(file: string): Promise<ExportInputKind> {
  for await (const { value, line } of readJsonl(file)) {
    const record = (typeof value === "object" && value !== null ? value : {}) as Record<
      string,
      unknown
    >;
    const tag = typeof record.schema === "string" ? record.schema : undefined;
    if (tag?.startsWith("psysim.dialogue/") || (!tag && "turns" in record)) return "dialogues";
    if (tag?.startsWith("psysim.battle/") || (!tag && "response_a" in record)) return "battles";
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}:${line}: ${tag ? `schema: this is a ${tag} record` : "expected a dialogue (with turns) or an arena battle (with response_a)"}; export reads dialogues or battles`,
    );
  }
  throw noRecords(file);
}
