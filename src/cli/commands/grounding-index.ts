import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { parsePositiveInt, runAction } from "../run-action.js";

interface BuildFlags {
  out: string;
  embeddings?: string;
  batchSize?: number;
  config?: string;
  preflight: boolean;
}

interface SearchFlags {
  language: string;
  k: number;
  embeddings?: string;
  config?: string;
}

/** `psysim index build|search`: the grounding index that `simulate --grounding` draws style examples from. */
export function register(program: Command): void {
  const index = program
    .command("index")
    .description(
      "Index a corpus of real counseling exchanges (BM25 over jieba-segmented text, optional embeddings) for simulate --grounding",
    );
  index
    .command("build")
    .description(
      "Build a grounding index from dialogues in psysim's format (psysim import makes them); psysim ships no corpus",
    )
    .argument(
      "<corpus>",
      "dialogue JSONL: every client utterance with the counselor's reply is one exchange",
    )
    .requiredOption(
      "--out <file>",
      "the index (SQLite), replaced atomically when the build completes",
    )
    .option(
      "--embeddings <spec>",
      "also embed every exchange with this model (openai-compatible:[<model>@]<url>, openai:<model>, ollama:<model>, llama-cpp:<file.gguf> or a name in psysim.yaml); retrieval then fuses BM25 and cosine by reciprocal rank",
    )
    .option(
      "--batch-size <n>",
      "texts per embedding request (default 64)",
      parsePositiveInt("--batch-size"),
    )
    .option("--config <file>", "psysim.yaml, for embedding models named there")
    .option("--no-preflight", "skip the GET /models request made before the first embedding call")
    .addHelpText(
      "after",
      "\nExamples:\n  psysim import real-sessions.json --from sharegpt --out real.jsonl\n  psysim index build real.jsonl --out real.index\n  psysim index build real.jsonl --out real.index --embeddings openai-compatible:http://127.0.0.1:8000/v1\n  psysim simulate --cards cards.jsonl --out grounded.jsonl --grounding real.index --grounding-k 3\n",
    )
    .action(
      runAction(async (corpus: string, flags: BuildFlags) => {
        const { buildGroundingIndex } = await import("../../grounding/index.js");
        const embedding = flags.embeddings
          ? { model: await embeddingModel(flags.embeddings, flags), spec: flags.embeddings }
          : undefined;
        const summary = await buildGroundingIndex({
          corpus,
          out: flags.out,
          ...(embedding && { embedding }),
          ...(flags.batchSize !== undefined && { batchSize: flags.batchSize }),
        });
        process.stdout.write(
          `indexed ${summary.exchanges.zh + summary.exchanges.en} exchanges (zh ${summary.exchanges.zh}, en ${summary.exchanges.en}) from ${summary.dialogues} dialogues${summary.embeddingModel ? `, embedded with ${summary.embeddingModel}` : ""} → ${summary.out}\n` +
            (summary.baseline
              ? "  note: the corpus holds baseline (rule-based) dialogues: a toy corpus, not real sessions\n"
              : ""),
        );
      }),
    );
  index
    .command("search")
    .description(
      "Show the exchanges an index returns for a text, as simulate --grounding would retrieve them",
    )
    .argument("<index>", "a grounding index (psysim index build)")
    .argument("<text>", "the query: a client utterance, optionally with the chief complaint")
    .option("--language <zh|en>", "the query's language", "zh")
    .option("-k, --k <n>", "exchanges to return", parsePositiveInt("--k"), 3)
    .option(
      "--embeddings <spec|none>",
      "embed the query with this model (default: the model the index was built with); none: BM25 only",
    )
    .option("--config <file>", "psysim.yaml, for embedding models named there")
    .action(
      runAction(async (file: string, text: string, flags: SearchFlags) => {
        if (flags.language !== "zh" && flags.language !== "en")
          throw new UsageError(`--language expects zh or en, got "${flags.language}"`);
        const { GroundingIndex } = await import("../../grounding/index.js");
        const index = GroundingIndex.open(file);
        try {
          const spec = flags.embeddings ?? index.info.embedding_spec;
          const vector =
            spec && spec !== "none" && index.embeddingModel
              ? (await (await embeddingModel(spec, { ...flags, preflight: true })).embed([text]))[0]
              : undefined;
          const hits = index.search({
            text,
            language: flags.language,
            k: flags.k,
            ...(vector && { vector }),
          });
          for (const [i, hit] of hits.entries())
            process.stdout.write(
              `${i + 1}. ${hit.id}${hit.bm25 === undefined ? "" : ` (bm25 ${hit.bm25.toFixed(3)})`}\n   client: ${hit.client}\n   counselor: ${hit.counselor}\n`,
            );
          if (hits.length === 0) process.stdout.write("no exchange shares a word with the query\n");
        } finally {
          index.close();
        }
      }),
    );
}

async function embeddingModel(
  spec: string,
  flags: { config?: string; batchSize?: number; preflight: boolean },
) {
  const { loadConfig } = await import("../../config/index.js");
  const { resolveEmbeddingModel, resolveEmbeddingSpec } =
    await import("../../llm/resolve-embedding-model.js");
  const { preflightModels } = await import("../../llm/preflight.js");
  const config = flags.config ? loadConfig(flags.config) : undefined;
  const model = await resolveEmbeddingModel(spec, {
    ...(config && { config }),
    ...(flags.batchSize !== undefined && { batchSize: flags.batchSize }),
  });
  const { id, config: entry } = resolveEmbeddingSpec(spec, config?.models);
  await preflightModels([{ id, config: entry, ...(config && { baseDir: config.source.dir }) }], {
    probe: flags.preflight,
  });
  return model;
}
