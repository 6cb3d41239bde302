import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PsysimError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/jsonl.js";
import { parseBatchResults, type BatchInputLine, type BatchResult } from "./batch-lines.js";

/**
 * One batch of one wave, as kept on disk (`<name>.json` beside `<name>.input.jsonl`,
 * `<name>.output.jsonl` and `<name>.errors.jsonl`). Every id the provider hands out is
 * saved before the next step, so a killed run resumes the same batch instead of paying
 * for a second one.
 */
export interface BatchRecord {
  name: string;
  wave: number;
  /** The model and endpoint its requests go to (a batch holds one model). */
  group: string;
  /** custom_id → SHA-256 of the request body: a rerun attaches only identical requests. */
  requests: Record<string, string>;
  /** prepared: input written; submitted: the provider has it; done: results on disk; applied: in the cache. */
  status: "prepared" | "submitted" | "done" | "applied";
  input_file_id?: string;
  batch_id?: string;
  /** The provider's last word on the batch (validating, in_progress, completed, expired, …). */
  batch_status?: string;
  created_at: string;
  finished_at?: string;
}

/** The folder of a wave-mode run's batches (`--batch-dir`). */
export class WaveStore {
  readonly dir: string;
  private readonly records = new Map<string, BatchRecord>();

  constructor(dir: string) {
    this.dir = dir;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new PsysimError(
        "OUTPUT_UNWRITABLE",
        `${dir}: cannot create the batch folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
    for (const file of readdirSync(dir).sort()) {
      if (!/^wave-\d+-.+\.json$/.test(file)) continue;
      let record: BatchRecord;
      try {
        record = JSON.parse(readFileSync(join(dir, file), "utf8")) as BatchRecord;
      } catch {
        throw new PsysimError(
          "INPUT_INVALID",
          `${join(dir, file)}: not a readable batch record; move it away to resubmit its requests`,
        );
      }
      this.records.set(record.name, record);
    }
  }

  all(): BatchRecord[] {
    return [...this.records.values()];
  }

  nextWave(): number {
    return Math.max(0, ...this.all().map((r) => r.wave)) + 1;
  }

  path(record: Pick<BatchRecord, "name">, part: "input" | "output" | "errors"): string {
    return join(this.dir, `${record.name}.${part}.jsonl`);
  }

  /** Writes the input file, then the record that names it: a record never points at a missing file. */
  prepare(
    wave: number,
    group: string,
    slug: string,
    lines: readonly BatchInputLine[],
    hashes: readonly string[],
  ): BatchRecord {
    const name = `wave-${String(wave).padStart(4, "0")}-${slug}`;
    const record: BatchRecord = {
      name,
      wave,
      group,
      requests: Object.fromEntries(lines.map((line, i) => [line.custom_id, hashes[i]!])),
      status: "prepared",
      created_at: new Date().toISOString(),
    };
    writeFileAtomic(
      this.path(record, "input"),
      lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
    );
    this.save(record);
    return record;
  }

  save(record: BatchRecord): void {
    this.records.set(record.name, record);
    writeFileAtomic(join(this.dir, `${record.name}.json`), JSON.stringify(record, null, 2) + "\n");
  }

  /** The results saved for a finished batch: output and error lines, joined by custom_id. */
  results(record: BatchRecord): Map<string, BatchResult> {
    const results = new Map<string, BatchResult>();
    for (const part of ["errors", "output"] as const) {
      const file = this.path(record, part);
      if (!existsSync(file)) continue;
      for (const [id, result] of parseBatchResults(readFileSync(file, "utf8"), file))
        results.set(id, result);
    }
    return results;
  }
}
