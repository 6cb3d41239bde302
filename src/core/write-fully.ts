import { writeSync } from "node:fs";

/**
 * Writes every byte of `data` at the file's current position, or throws the system error
 * (ENOSPC, EDQUOT, EIO…). A single `write` may write less than asked on a nearly full
 * device; ignoring that is how a record ends up torn while it is counted as written.
 */
export function writeFully(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  for (let done = 0; done < bytes.length;) {
    const n = writeSync(fd, bytes, done, bytes.length - done);
    if (n <= 0) throw Object.assign(new Error("the device accepted no bytes"), { code: "EIO" });
    done += n;
  }
}
