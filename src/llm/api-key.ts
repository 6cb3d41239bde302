import { PsysimError } from "../core/errors.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a key from the environment (the only place psysim takes keys from); its value is never logged. */
export function requireApiKey(env: Env, variable: string, modelId: string): string {
  const key = env[variable]?.trim();
  if (!key) {
    throw new PsysimError(
      "MISSING_API_KEY",
      `${modelId} needs an API key: set the environment variable ${variable} (keys are read only from the environment, never from files)`,
    );
  }
  return key;
}

/** An optional key: read when `variable` is configured (then it must be set), else `fallback`. */
export function optionalApiKey(
  env: Env,
  variable: string | undefined,
  modelId: string,
  fallback: string,
): string {
  return variable === undefined ? fallback : requireApiKey(env, variable, modelId);
}
