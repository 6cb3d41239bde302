import { readFileSync } from "node:fs";

/** psysim's own version, recorded in every output's meta. */
export const PSYSIM_VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;
