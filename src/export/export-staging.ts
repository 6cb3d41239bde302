import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { PsysimError } from "../core/errors.js";
import { assertNotAnInput } from "../core/output-guard.js";
import { writeFully } from "../core/write-fully.js";

function unwritable(path: string, error: unknown): PsysimError {
  return new PsysimError(
    "OUTPUT_UNWRITABLE",
    `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    { cause: error },
  );
}

/**
 * Writes an export's files into a hidden sibling folder and moves them into place only
 * when everything succeeded, so a failed export leaves the output folder as it was.
 * A new output folder appears in one rename; into an existing one each file moves by
 * rename (readers see the old or the new file, never half of one).
 */
export class ExportStaging {
  readonly dir: string;
  readonly stagingDir: string;
  private readonly open = new Map<string, number>();
  private readonly written = new Set<string>();

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.stagingDir = join(dirname(this.dir), `.${basename(this.dir)}.psysim-tmp-${process.pid}`);
    try {
      rmSync(this.stagingDir, { recursive: true, force: true });
      mkdirSync(this.stagingDir, { recursive: true });
    } catch (error) {
      throw unwritable(this.dir, error);
    }
  }

  /** Appends one JSON record as a line of `name`, opening the file on first use. */
  appendJsonl(name: string, record: unknown): void {
    let fd = this.open.get(name);
    const path = join(this.stagingDir, name);
    try {
      if (fd === undefined) {
        fd = openSync(path, "w");
        this.open.set(name, fd);
        this.written.add(name);
      }
      writeFully(fd, JSON.stringify(record) + "\n");
    } catch (error) {
      throw unwritable(path, error);
    }
  }

  writeFile(name: string, content: string): void {
    const path = join(this.stagingDir, name);
    try {
      const fd = openSync(path, "w");
      try {
        writeFully(fd, content);
      } finally {
        closeSync(fd);
      }
      this.written.add(name);
    } catch (error) {
      throw unwritable(path, error);
    }
  }

  /** Names written so far, in the order first written. */
  files(): string[] {
    return [...this.written];
  }

  /** Moves the files into the output folder and deletes `stale` names there that this export did not write. */
  commit(stale: readonly string[] = []): void {
    this.closeAll();
    // A file this export would replace or delete may be one of its inputs (`export sft/a.jsonl --out sft/`).
    for (const name of [...this.written, ...stale]) assertNotAnInput(join(this.dir, name));
    try {
      if (!existsSync(this.dir)) {
        mkdirSync(dirname(this.dir), { recursive: true });
        renameSync(this.stagingDir, this.dir);
        return;
      }
      for (const name of this.written)
        renameSync(join(this.stagingDir, name), join(this.dir, name));
      for (const name of stale)
        if (!this.written.has(name) && existsSync(join(this.dir, name)))
          unlinkSync(join(this.dir, name));
      rmSync(this.stagingDir, { recursive: true, force: true });
    } catch (error) {
      throw unwritable(this.dir, error);
    }
  }

  abort(): void {
    this.closeAll();
    rmSync(this.stagingDir, { recursive: true, force: true });
  }

  private closeAll(): void {
    for (const fd of this.open.values()) closeSync(fd);
    this.open.clear();
  }
}

/** Runs `write` against a staging area, committing on success and leaving nothing behind on failure. */
export async function withStaging<T>(
  dir: string,
  write: (staging: ExportStaging) => Promise<{ result: T; stale?: string[] }>,
): Promise<T> {
  const staging = new ExportStaging(dir);
  try {
    const { result, stale } = await write(staging);
    staging.commit(stale);
    return result;
  } catch (error) {
    staging.abort();
    throw error;
  }
}
