import { stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { PsysimError } from "../../core/errors.js";
import type { EmbeddingModel } from "../chat-model.js";

/**
 * The little of `@huggingface/transformers` (v4) this loader uses, written out because the
 * package is optional and not installed with psysim.
 */
interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(
    task: "feature-extraction",
    model: string,
    options: { local_files_only: boolean; dtype?: string },
  ): Promise<
    (
      texts: string[],
      options: { pooling: "mean" | "cls"; normalize: boolean },
    ) => Promise<{ tolist(): number[][] }>
  >;
}

export type TransformersImporter = () => Promise<unknown>;

export interface TransformersEmbeddingOptions {
  /** A folder holding an exported model: `config.json`, the tokenizer files and `onnx/model.onnx`. */
  modelDir: string;
  /** Recorded as the model id; default `transformers:<modelDir>`. */
  id?: string;
  /** Folder a relative `modelDir` resolves against; default the working directory. */
  baseDir?: string;
  /** How token vectors become one text vector: `mean` (sentence-transformers models) or `cls` (BGE models). Default `mean`. */
  pooling?: "mean" | "cls";
  /** ONNX weights variant (`fp32`, `fp16`, `q8`…); default the package's own. */
  dtype?: string;
  /** How the package is imported; tests inject one to simulate it missing. */
  importTransformers?: TransformersImporter;
}

const PACKAGE = "@huggingface/transformers";

function isMissingPackage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    String((error as Error).message).includes(PACKAGE)
  );
}

async function loadTransformers(importer: TransformersImporter): Promise<TransformersModule> {
  try {
    const loaded = (await importer()) as Partial<TransformersModule> | null;
    if (!loaded?.env || typeof loaded.pipeline !== "function")
      throw new Error("it has no env and pipeline exports");
    return loaded as TransformersModule;
  } catch (error) {
    if (isMissingPackage(error)) {
      throw new PsysimError(
        "NOT_FOUND",
        `transformers.js embeddings need the optional package ${PACKAGE}: add "allowScripts": {"onnxruntime-node": false} to package.json, then run \`npm install ${PACKAGE}@^4\`; or use --embeddings llama-cpp:<model.gguf>`,
        { cause: error },
      );
    }
    throw new PsysimError(
      "MODEL_CALL_FAILED",
      `${PACKAGE} failed to load: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function assertModelFolder(dir: string, id: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new PsysimError(
      "NOT_FOUND",
      `${id}: model folder ${dir} does not exist; export the model to ONNX (e.g. with optimum) into a local folder`,
    );
  const config = await stat(join(dir, "config.json")).catch(() => undefined);
  if (!config?.isFile())
    throw new PsysimError(
      "INPUT_INVALID",
      `${id}: ${dir} has no config.json; point at the folder of an exported model (config.json, tokenizer.json, onnx/model.onnx)`,
    );
}

/**
 * Embeddings from ONNX weights in a local folder through transformers.js, with remote
 * loading switched off: nothing is ever downloaded, and a model that is not on disk is an
 * error. UNVERIFIED: the package is not installed in psysim's test environment, so this is
 * exercised only against a stand-in for the package's interface.
 */
export function createTransformersEmbeddingModel(
  options: TransformersEmbeddingOptions,
): EmbeddingModel {
  const id = options.id ?? `transformers:${options.modelDir}`;
  const dir = resolve(options.baseDir ?? process.cwd(), options.modelDir);
  const importer = options.importTransformers ?? (() => import(PACKAGE));
  let extractor: ReturnType<TransformersModule["pipeline"]> | undefined;

  async function load(): ReturnType<TransformersModule["pipeline"]> {
    await assertModelFolder(dir, id);
    const lib = await loadTransformers(importer);
    lib.env.allowRemoteModels = false;
    lib.env.allowLocalModels = true;
    // The package looks models up by name under localModelPath.
    lib.env.localModelPath = dirname(dir);
    return lib.pipeline("feature-extraction", basename(dir), {
      local_files_only: true,
      ...(options.dtype ? { dtype: options.dtype } : {}),
    });
  }

  return {
    id,
    async embed(texts) {
      if (texts.length === 0) return [];
      if (!extractor) {
        extractor = load();
        extractor.catch(() => (extractor = undefined));
      }
      const run = await extractor;
      const output = await run([...texts], { pooling: options.pooling ?? "mean", normalize: true });
      return output.tolist();
    },
  };
}
