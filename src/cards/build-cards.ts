import { existsSync } from "node:fs";
import { readJsonl, JsonlAppender } from "../core/jsonl.js";
import { runWorkerPool } from "../core/worker-pool.js";
import { cardIdFor } from "../core/role-card.js";
import { addUsage, emptyUsage, type Usage } from "../core/usage.js";
import type { Language } from "../core/language.js";
import type { ChatModel } from "../llm/chat-model.js";
import { buildCard, loadCardBuilderTemplate } from "./card-builder.js";
import type { Post } from "./read-posts.js";
import type { PromptTemplate } from "../prompts/template.js";

export interface BuildCardsOptions {
  /** The posts file, for `file:line` in reports. */
  file: string;
  posts: Post[];
  /** Cards JSONL: appended card by card; cards already there are skipped, so a rerun resumes. */
  out: string;
  model: ChatModel;
  /** Posts in flight at once (default 4). */
  concurrency?: number;
  maxAttempts?: number;
  /** Folder with `card-builder.<lang>.txt` overriding psysim's templates. */
  templateDir?: string;
  signal?: AbortSignal;
  onProgress?: (
    event: { type: "start"; total: number } | { type: "post-done"; ok: boolean; usage: Usage },
  ) => void;
}

export interface BuildCardsSummary {
  requested: number;
  built: number;
  /** Already in the output from an earlier run. */
  skipped: number;
  /** The same post again in the input. */
  duplicates: number;
  /** `file:line: post: reason`, one per post the model could not turn into a valid card. */
  failed: { line: number; message: string }[];
  usage: Usage;
}

/**
 * Builds a role card for every post (paper §3.4), appending each card as soon as it is
 * valid, so an interrupted run loses nothing and a rerun does only what is missing
 * (finished model calls replay from the cache).
 */
export async function buildCards(options: BuildCardsOptions): Promise<BuildCardsSummary> {
  const done = await existingIds(options.out);
  const summary: BuildCardsSummary = {
    requested: options.posts.length,
    built: 0,
    skipped: 0,
    duplicates: 0,
    failed: [],
    usage: emptyUsage(),
  };
  const todo: Post[] = [];
  const seen = new Set<string>();
  for (const post of options.posts) {
    const id = cardIdFor(post.text);
    if (done.has(id)) summary.skipped += 1;
    else if (seen.has(id)) summary.duplicates += 1;
    else todo.push(post);
    seen.add(id);
  }
  const templates = new Map<Language, PromptTemplate>();
  const template = (language: Language) =>
    templates.get(language) ??
    templates.set(language, loadCardBuilderTemplate(language, options.templateDir)).get(language)!;
  options.onProgress?.({ type: "start", total: todo.length });
  const out = new JsonlAppender(options.out, { kind: "rolecard" });
  try {
    // A fatal failure (out of quota, no key, breaker open) stops taking posts; the ones in
    // flight finish and are kept. Any other failure is reported against its post.
    await runWorkerPool(
      todo.length,
      {
        concurrency: options.concurrency ?? 4,
        ...(options.signal ? { signal: options.signal } : {}),
        onTaskError: (error, task) => {
          const post = todo[task]!;
          const reason = error instanceof Error ? error.message : String(error);
          summary.failed.push({
            line: post.line,
            message: `${options.file}:${post.line}: post: ${reason}`,
          });
          options.onProgress?.({ type: "post-done", ok: false, usage: emptyUsage() });
        },
      },
      async (task) => {
        const post = todo[task]!;
        const result = await buildCard(post, options.model, {
          template,
          sourceLabel: `cards build: ${options.model.id}`,
          ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        addUsage(summary.usage, result.usage);
        if (result.ok) {
          out.append(result.card);
          summary.built += 1;
        } else
          summary.failed.push({
            line: post.line,
            message: `${options.file}:${post.line}: post: ${result.reason}`,
          });
        options.onProgress?.({ type: "post-done", ok: result.ok, usage: result.usage });
      },
    );
  } finally {
    out.close();
  }
  summary.failed.sort((a, b) => a.line - b.line);
  return summary;
}

async function existingIds(file: string): Promise<Set<string>> {
  const ids = new Set<string>();
  if (!existsSync(file)) return ids;
  // Opening the appender first cuts a torn last line left by a crash, so every line parses.
  new JsonlAppender(file, { kind: "rolecard" }).close();
  for await (const { value } of readJsonl(file)) {
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id === "string") ids.add(id);
  }
  return ids;
}
