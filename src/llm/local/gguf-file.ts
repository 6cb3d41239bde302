import { open, stat } from "node:fs/promises";
import { PsysimError } from "../../core/errors.js";

/** GGUF versions node-llama-cpp 3.21 reads. */
const SUPPORTED_VERSIONS = new Set([2, 3]);

/**
 * Checks that `path` is a GGUF model file before node-llama-cpp sees it: its native
 * loader reports some bad files by aborting the process, so a wrong path or a
 * safetensors/zip file must be turned away here with a line that says what to do.
 */
export async function assertGgufModelFile(path: string, spec: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new PsysimError(
      "NOT_FOUND",
      `${spec}: model file ${path} does not exist; download a GGUF model (e.g. Qwen2.5-7B-Instruct-GGUF) and point model_path at the .gguf file`,
    );
  }
  if (!info.isFile())
    throw new PsysimError(
      "INPUT_INVALID",
      `${spec}: ${path} is not a file; point model_path at the .gguf file itself`,
    );
  const header = Buffer.alloc(8);
  const handle = await open(path, "r");
  let bytesRead: number;
  try {
    ({ bytesRead } = await handle.read(header, 0, 8, 0));
  } finally {
    await handle.close();
  }
  if (bytesRead < 8 || header.toString("latin1", 0, 4) !== "GGUF") {
    const seen = header
      .subarray(0, bytesRead)
      .toString("hex")
      .replace(/(..)(?!$)/g, "$1 ");
    throw new PsysimError(
      "INPUT_INVALID",
      `${spec}: ${path} is not a GGUF model file (starts with ${seen || "nothing"}, want "GGUF"); convert the model with llama.cpp's convert_hf_to_gguf.py or download a .gguf build`,
    );
  }
  const version = header.readUInt32LE(4);
  if (!SUPPORTED_VERSIONS.has(version)) {
    throw new PsysimError(
      "INPUT_INVALID",
      `${spec}: ${path} is GGUF version ${version}, which node-llama-cpp 3.21.1 cannot read (it reads versions 2 and 3); re-convert the model with a current llama.cpp`,
    );
  }
}
