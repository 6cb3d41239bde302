import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh temporary folder for one test. */
export function tempDir(prefix = "psysim-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Where a browser or figure test saves the pictures a person should look at. Tests write only
 * under temporary folders; set PSYSIM_SHOTS to keep them somewhere you choose.
 */
export function screenshotDir(name: string): string {
  const dir = join(process.env.PSYSIM_SHOTS ?? join(tmpdir(), "psysim-shots"), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeTemp(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
