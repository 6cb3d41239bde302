import * as crypto from "node:crypto";

// Node ≥ 20.12 hashes in one native call; the Hash object costs more than hashing a prompt.
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array) => string })
  .hash;

export function sha256(text: string | Uint8Array): string {
  return oneShot ? oneShot("sha256", text) : crypto.createHash("sha256").update(text).digest("hex");
}

/**
 * JSON with sorted keys, so equal values always hash equally. Byte for byte what
 * `JSON.stringify` gives for a copy of the value whose objects were rebuilt in sorted key
 * order (the call cache's keys were made that way, and must not change): integer-like
 * keys first in numeric order, as JavaScript orders them, then the others sorted by
 * UTF-16 code units. Written out by hand because it runs on every model call, and
 * rebuilding every object took several times longer.
 */
export function canonicalJson(value: unknown): string {
  return write(value) as string;
}

function write(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === "function") return write(json.call(value));
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + (write(value[i]) ?? "null");
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Object.keys lists integer-like keys first, in numeric order: only the rest need sorting.
  let named = 0;
  while (named < keys.length && isIndex(keys[named]!)) named++;
  const sorted = named === 0 ? keys.sort() : [...keys.slice(0, named), ...keys.slice(named).sort()];
  let out = "{";
  for (const key of sorted) {
    const text = write(record[key]);
    if (text === undefined) continue;
    out += (out.length > 1 ? "," : "") + JSON.stringify(key) + ":" + text;
  }
  return out + "}";
}

function isIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  if (!(first >= 48 && first <= 57)) return false;
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}
