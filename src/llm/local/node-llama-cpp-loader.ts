import { PsysimError } from "../../core/errors.js";

export type NodeLlamaCpp = typeof import("node-llama-cpp");

/** Loads the module; tests inject one that fails to simulate a missing package. */
export type NodeLlamaCppImporter = () => Promise<unknown>;

export const NODE_LLAMA_CPP_VERSION = "3.21.1";

const importPackage: NodeLlamaCppImporter = () => import("node-llama-cpp");

function isMissingPackage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    String((error as Error).message).includes("node-llama-cpp")
  );
}

/**
 * node-llama-cpp is an optional peer dependency (about 730 MB of native binaries):
 * imported only when a local model is used, so users who never run one never install it.
 */
export async function loadNodeLlamaCpp(
  importer: NodeLlamaCppImporter = importPackage,
): Promise<NodeLlamaCpp> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    if (isMissingPackage(error)) {
      throw new PsysimError(
        "NOT_FOUND",
        `local llama-cpp models need the optional package node-llama-cpp: run \`npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\` (about 730 MB), or use an Ollama/vLLM server through the openai-compatible provider`,
        { cause: error },
      );
    }
    throw new PsysimError(
      "MODEL_CALL_FAILED",
      `node-llama-cpp failed to load: ${(error as Error).message}; reinstall it with \`npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\``,
      { cause: error },
    );
  }
  if (typeof (loaded as { getLlama?: unknown } | null)?.getLlama !== "function") {
    throw new PsysimError(
      "MODEL_CALL_FAILED",
      `the installed node-llama-cpp has no getLlama(); install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`,
    );
  }
  return loaded as NodeLlamaCpp;
}
