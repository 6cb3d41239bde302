import type { Llama, LlamaModel } from "node-llama-cpp";
import { PsysimError } from "../../core/errors.js";
import { assertGgufModelFile } from "./gguf-file.js";
import {
  loadNodeLlamaCpp,
  type NodeLlamaCpp,
  type NodeLlamaCppImporter,
} from "./node-llama-cpp-loader.js";

export type LlamaGpu = false | "auto" | "cuda" | "vulkan" | "metal";
export type LlamaGpuLayers = number | "auto" | "max";

export interface LoadedLlamaModel {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  /** Identifies the loaded weights; contexts built on them extend this key. */
  key: string;
}

export interface LlamaModelLoad {
  /** Absolute path of a file already checked to be GGUF. */
  modelPath: string;
  /** The spec as the user wrote it, for error messages. */
  spec: string;
  gpu: LlamaGpu;
  gpuLayers: LlamaGpuLayers;
  threads: number;
  importer?: NodeLlamaCppImporter;
}

interface Disposable {
  dispose(): Promise<void> | void;
}

/** Everything loaded in this process, by key: each file's weights are loaded once and shared. */
const loaded = new Map<string, Promise<unknown>>();

/** Returns the cached value for `key`, creating it once; a failed creation is forgotten so a retry can succeed. */
export function loadOnce<T>(key: string, create: () => Promise<T>): Promise<T> {
  let entry = loaded.get(key) as Promise<T> | undefined;
  if (!entry) {
    entry = create();
    loaded.set(key, entry);
    entry.catch(() => {
      if (loaded.get(key) === entry) loaded.delete(key);
    });
  }
  return entry;
}

async function getLlamaFor(lib: NodeLlamaCpp, gpu: LlamaGpu, threads: number): Promise<Llama> {
  const llama = await loadOnce(`llama|${gpu}`, async () => {
    try {
      // build "never": use the prebuilt binaries; never compile or download at run time.
      return await lib.getLlama({
        gpu,
        maxThreads: threads,
        build: "never",
        logLevel: lib.LlamaLogLevel.error,
      });
    } catch (error) {
      throw new PsysimError(
        "MODEL_CALL_FAILED",
        `node-llama-cpp could not start llama.cpp (gpu: ${gpu}): ${(error as Error).message}; reinstall node-llama-cpp or set gpu: false`,
        { cause: error },
      );
    }
  });
  // maxThreads is the budget split among contexts evaluating at once; grow it to the largest request.
  if (llama.maxThreads < threads) llama.maxThreads = threads;
  return llama;
}

/** Loads (once per process) the weights of a GGUF file with the given GPU settings. */
export async function loadLlamaModel(load: LlamaModelLoad): Promise<LoadedLlamaModel> {
  const lib = await loadNodeLlamaCpp(load.importer);
  const llama = await getLlamaFor(lib, load.gpu, load.threads);
  const key = `model|${load.modelPath}|gpu=${load.gpu}|layers=${load.gpuLayers}`;
  const model = await loadOnce(key, async () => {
    try {
      return await llama.loadModel({
        modelPath: load.modelPath,
        gpuLayers: load.gpu === false ? 0 : load.gpuLayers,
      });
    } catch (error) {
      throw new PsysimError(
        "MODEL_CALL_FAILED",
        `${load.spec}: llama.cpp could not load ${load.modelPath}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  });
  return { lib, llama, model, key };
}

/** What this process holds loaded (llama.cpp, models, contexts), by key: for diagnostics and the sharing tests. */
export function loadedLlamaCppResources(): string[] {
  return [...loaded.keys()];
}

/**
 * Frees every model and context this process loaded (long-lived servers and tests call
 * it; a CLI run can simply exit). Models created afterwards load again.
 */
export async function disposeLlamaCppModels(): Promise<void> {
  const entries = [...loaded.entries()].reverse(); // contexts before models before llama.cpp itself
  loaded.clear();
  for (const [, entry] of entries) {
    const value = await entry.catch(() => undefined);
    if (value && typeof (value as Disposable).dispose === "function")
      await (value as Disposable).dispose();
  }
}

/** What loading takes from the resolved options (`ResolvedLlamaCppOptions` in providers/, which builds on this folder). */
export interface CheckedModelLoad {
  id: string;
  modelPath: string;
  gpu: LlamaGpu;
  gpuLayers: LlamaGpuLayers;
  threads: number;
  importNodeLlamaCpp: NodeLlamaCppImporter | undefined;
}

/** Checks the file is GGUF, then loads (or reuses) the model for these resolved options: the shared first step of chat and embedding engines. */
export async function loadCheckedModel(o: CheckedModelLoad): Promise<LoadedLlamaModel> {
  await assertGgufModelFile(o.modelPath, o.id);
  return loadLlamaModel({
    modelPath: o.modelPath,
    spec: o.id,
    gpu: o.gpu,
    gpuLayers: o.gpuLayers,
    threads: o.threads,
    ...(o.importNodeLlamaCpp ? { importer: o.importNodeLlamaCpp } : {}),
  });
}
