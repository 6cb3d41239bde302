import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The stylesheet and script live in src/server/static/. Like the prompt templates, they
 * are read from the source tree, so the same path works from src/ and from the compiled dist/.
 */
const STATIC_DIR = fileURLToPath(new URL("../../src/server/static/", import.meta.url));

const TYPES: Record<string, string> = {
  "style.css": "text/css; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
};

export interface StaticAsset {
  body: string;
  type: string;
}

/** Loaded once at start: a fixed list of names, so no request path ever reaches the file system. */
export function loadStaticAssets(): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const [name, type] of Object.entries(TYPES)) {
    const path = STATIC_DIR + name;
    if (!existsSync(path))
      throw new Error(`psysim is missing its web asset ${path}; reinstall psysim`);
    assets.set(name, { body: readFileSync(path, "utf8"), type });
  }
  return assets;
}
