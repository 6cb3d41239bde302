import { PsysimError } from "../core/errors.js";
import type { ModelConfig } from "./model-config.js";
import { requireApiKey, type Env } from "./api-key.js";
import { assertGgufModelFile } from "./local/gguf-file.js";
import { describeFailure, networkErrorCode } from "./model-call-error.js";
import { OLLAMA_BASE_URL, OPENAI_BASE_URL } from "./providers/index.js";
import {
  llamaCppOptionsFromConfig,
  resolveLlamaCppOptions,
} from "./providers/llama-cpp-options.js";

/** A model a command is about to use, already resolved from its spec. */
export interface PreflightTarget {
  /** The spec or name as the user wrote it: how the failure line names the model. */
  id: string;
  config: ModelConfig;
  /** Folder a relative `model_path` resolves against. */
  baseDir?: string;
}

export interface PreflightOptions {
  env?: Env;
  /** Ask each HTTP endpoint one cheap request; false with `--no-preflight`. Default true. */
  probe?: boolean;
  /** How long one probe may take; default 10 000 ms. */
  timeoutMs?: number;
  /** Injectable for tests; default the global fetch. */
  fetch?: typeof fetch;
}

const NO_PREFLIGHT = "or pass --no-preflight to skip this check";

/**
 * Checks every model a command will use before its first paid call: the key variable
 * is set, a GGUF file exists and starts with the GGUF magic, and (unless `probe` is
 * false) every HTTP endpoint answers one free request: `GET {base_url}/models` for the
 * OpenAI family, one per base URL, and `HEAD {url}` for an http-bot, where any HTTP
 * answer counts because bots only define POST. The first problem throws one line that
 * names the model and the fix; nothing is called for real before all checks pass.
 */
export async function preflightModels(
  targets: readonly PreflightTarget[],
  options: PreflightOptions = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const probes = new Map<string, Probe>();
  for (const target of targets) {
    for (const probe of await checkLocally(target, env)) {
      const key = `${probe.method} ${probe.url} ${probe.apiKey ?? ""}`;
      if (!probes.has(key)) probes.set(key, probe);
    }
  }
  if (options.probe === false) return;
  // Probes are free and few; run them together so a fleet of replicas is checked at once.
  const failures = await Promise.all([...probes.values()].map((probe) => runProbe(probe, options)));
  const failure = failures.find((f) => f !== undefined);
  if (failure) throw failure;
}

interface Probe {
  id: string;
  method: "GET" | "HEAD";
  url: string;
  apiKey?: string;
  keyEnv?: string;
  /** An http-bot: any HTTP status shows the server is up. */
  anyStatus: boolean;
}

/** The checks that need no network; returns the endpoint probes this model needs. */
async function checkLocally(target: PreflightTarget, env: Env): Promise<Probe[]> {
  const { id, config } = target;
  const family = (baseUrls: string[], keyEnv: string | undefined): Probe[] => {
    const apiKey = keyEnv === undefined ? undefined : requireApiKey(env, keyEnv, id);
    return baseUrls.map((base) => ({
      id,
      method: "GET",
      url: `${base.replace(/\/+$/, "")}/models`,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(keyEnv === undefined ? {} : { keyEnv }),
      anyStatus: false,
    }));
  };
  switch (config.provider) {
    case "openai":
      return family([config.base_url ?? OPENAI_BASE_URL], config.api_key_env ?? "OPENAI_API_KEY");
    case "openai-compatible":
      return family([config.base_url].flat(), config.api_key_env);
    case "ollama":
      return family([config.base_url ?? OLLAMA_BASE_URL].flat(), undefined);
    case "http-bot": {
      if (config.api_key_env !== undefined) requireApiKey(env, config.api_key_env, id);
      return [{ id, method: "HEAD", url: config.url, anyStatus: true }];
    }
    case "llama-cpp": {
      const options = resolveLlamaCppOptions(llamaCppOptionsFromConfig(config, id, target.baseDir));
      await assertGgufModelFile(options.modelPath, id);
      return [];
    }
    case "baseline":
      return [];
  }
}

async function runProbe(probe: Probe, options: PreflightOptions): Promise<PsysimError | undefined> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(probe.url, {
      method: probe.method,
      headers: probe.apiKey === undefined ? {} : { authorization: `Bearer ${probe.apiKey}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Only the status matters; drop the body so the socket is freed.
    await response.body?.cancel();
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    const why = timedOut
      ? `no answer within ${timeoutMs} ms`
      : `cannot connect (${networkErrorCode(error) ?? (error instanceof Error ? error.message : String(error))})`;
    return new PsysimError(
      "MODEL_CALL_FAILED",
      `preflight: model "${probe.id}": ${probe.method} ${probe.url}: ${why}; start the server or fix the URL, ${NO_PREFLIGHT}`,
      { isFatal: true },
    );
  }
  if (response.ok || probe.anyStatus) return undefined;
  const status = response.status;
  if (status === 401 || status === 403)
    return new PsysimError(
      "MODEL_CALL_FAILED",
      `preflight: model "${probe.id}": ${probe.method} ${probe.url}: ${describeFailure("auth", String(status), probe.keyEnv)}`,
      { isFatal: true },
    );
  return new PsysimError(
    "MODEL_CALL_FAILED",
    `preflight: model "${probe.id}": ${probe.method} ${probe.url} answered ${status}; check base_url (it usually ends in /v1), ${NO_PREFLIGHT} on a server without /models`,
    { isFatal: true },
  );
}
