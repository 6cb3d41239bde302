import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { PsysimError } from "../core/errors.js";
import { canonicalJson, sha256 } from "../core/hash.js";
import { migrateSqlite } from "../core/sqlite-migrations.js";
import type {
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  SamplingParams,
} from "./chat-model.js";

export const DEFAULT_CACHE_PATH = ".psysim/cache.sqlite";

/** What identifies one sample: equal parts, equal answer. */
export interface CallKeyParts {
  model: string;
  params: SamplingParams;
  messages: ChatMessage[];
  jsonSchema: ChatRequest["jsonSchema"] | null;
  sampleKey: string;
}

export function callCacheKey(parts: CallKeyParts): string {
  return sha256(canonicalJson(parts));
}

/**
 * `callCacheKey` of a request's parts, byte for byte, without copying the messages: the
 * messages are most of the key and are written here in canonical order ("content" before
 * "role", top-level keys sorted) straight from the request, once per model call.
 */
function requestCacheKey(
  model: string,
  params: SamplingParams,
  messages: readonly ChatMessage[],
  jsonSchema: ChatRequest["jsonSchema"] | null,
  sampleKey: string,
): string {
  let list = "[";
  for (let i = 0; i < messages.length; i++) {
    const { role, content } = messages[i]!;
    const c = JSON.stringify(content) as string | undefined;
    const r = JSON.stringify(role) as string | undefined;
    list +=
      (i ? "," : "") +
      (c === undefined
        ? r === undefined
          ? "{}"
          : `{"role":${r}}`
        : r === undefined
          ? `{"content":${c}}`
          : `{"content":${c},"role":${r}}`);
  }
  return sha256(
    `{"jsonSchema":${canonicalJson(jsonSchema)},"messages":${list}],"model":${JSON.stringify(model)},"params":${canonicalJson(params)},"sampleKey":${JSON.stringify(sampleKey)}}`,
  );
}

export interface CachedCall {
  content: string;
  finishReason?: string;
  promptTokens: number;
  completionTokens: number;
  /** Turns the model left out to fit its context (`ChatResponse.droppedTurns`). */
  droppedTurns?: number;
  /** `ChatResponse.schemaNotEnforced`, so a replay warns as the first run did. */
  schemaNotEnforced?: string;
}

/** Schema versions, applied in order by `migrateSqlite`; `PRAGMA user_version` records how many ran. */
const MIGRATIONS = [
  `CREATE TABLE calls (
     key TEXT PRIMARY KEY,
     model TEXT NOT NULL,
     sample_key TEXT NOT NULL,
     content TEXT NOT NULL,
     finish_reason TEXT,
     prompt_tokens INTEGER NOT NULL,
     completion_tokens INTEGER NOT NULL,
     created_at TEXT NOT NULL
   )`,
  // Replays must say when a local model saw only the last turns of a dialogue.
  `ALTER TABLE calls ADD COLUMN dropped_turns INTEGER`,
  `ALTER TABLE calls ADD COLUMN schema_not_enforced TEXT`,
];

/**
 * Finished model calls in one SQLite file (WAL). Answers are committed at the end of the
 * event-loop turn they arrive in, all of that turn in one transaction (at concurrency 64
 * they arrive in bursts, and one commit each cost more than the rest of the call path),
 * so a killed run loses only calls still in flight, and rerunning replays the rest for
 * free. Several processes may share the file.
 */
export class CallCache {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly select: Database.Statement<
    [string],
    {
      content: string;
      finish_reason: string | null;
      prompt_tokens: number;
      completion_tokens: number;
      dropped_turns: number | null;
      schema_not_enforced: string | null;
    }
  >;
  private readonly insert: Database.Statement<
    [
      string,
      string,
      string,
      string,
      string | null,
      number,
      number,
      string,
      number | null,
      string | null,
    ]
  >;
  /** Answers stored but not yet committed, by key; committed together by `flush`. */
  private readonly unwritten = new Map<
    string,
    { origin: { model: string; sampleKey: string }; call: CachedCall }
  >();
  private flushScheduled = false;
  private writeError: PsysimError | undefined;
  private readonly commit: (createdAt: string) => void;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    this.select = db.prepare(
      "SELECT content, finish_reason, prompt_tokens, completion_tokens, dropped_turns, schema_not_enforced FROM calls WHERE key = ?",
    );
    this.insert = db.prepare(
      "INSERT OR REPLACE INTO calls (key, model, sample_key, content, finish_reason, prompt_tokens, completion_tokens, created_at, dropped_turns, schema_not_enforced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.commit = db.transaction((createdAt: string) => {
      for (const [key, { origin, call }] of this.unwritten)
        this.insert.run(
          key,
          origin.model,
          origin.sampleKey,
          call.content,
          call.finishReason ?? null,
          call.promptTokens,
          call.completionTokens,
          createdAt,
          call.droppedTurns ?? null,
          call.schemaNotEnforced ?? null,
        );
    });
  }

  /** Opens (creating if needed) the cache at `path`; `:memory:` gives a private in-memory cache. */
  static open(path: string = DEFAULT_CACHE_PATH): CallCache {
    let db: Database.Database;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma("journal_mode = WAL");
      // NORMAL in WAL mode survives a killed process; only a power cut can drop the last commits.
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 5000");
    } catch (error) {
      throw new PsysimError(
        "OUTPUT_UNWRITABLE",
        `cannot open the call cache ${path}: ${(error as Error).message}; pass another cache path or fix the folder's permissions`,
        { cause: error },
      );
    }
    migrateSqlite(
      db,
      MIGRATIONS,
      (version) =>
        new PsysimError(
          "OUTPUT_UNWRITABLE",
          `${path} was written by a newer psysim (cache schema ${version}); upgrade psysim or use another cache path`,
        ),
    );
    return new CallCache(path, db);
  }

  get(key: string): CachedCall | undefined {
    const queued = this.unwritten.get(key);
    if (queued) return queued.call;
    const row = this.select.get(key);
    if (!row) return undefined;
    return {
      content: row.content,
      promptTokens: row.prompt_tokens,
      completionTokens: row.completion_tokens,
      ...(row.finish_reason === null ? {} : { finishReason: row.finish_reason }),
      ...(row.dropped_turns === null ? {} : { droppedTurns: row.dropped_turns }),
      ...(row.schema_not_enforced === null ? {} : { schemaNotEnforced: row.schema_not_enforced }),
    };
  }

  /** Stores an answer; it is committed at the end of this event-loop turn (or by `flush`/`close`). */
  put(key: string, origin: { model: string; sampleKey: string }, call: CachedCall): void {
    this.unwritten.set(key, { origin, call });
    if (this.writeError) throw this.writeError;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        try {
          this.flush();
        } catch (error) {
          this.writeError = error as PsysimError;
        }
      });
    }
  }

  /**
   * Commits every stored answer now, in one transaction. A failed commit (a full disk)
   * keeps the answers and throws here, or, when it was the end-of-turn commit, from every
   * later `put`, so the run stops instead of silently caching nothing.
   */
  flush(): void {
    this.flushScheduled = false;
    if (this.unwritten.size === 0 || !this.db.open) return;
    try {
      this.commit(new Date().toISOString());
    } catch (error) {
      throw new PsysimError(
        "OUTPUT_UNWRITABLE",
        `cannot write the call cache ${this.path}: ${(error as Error).message}; free disk space or pass another cache path`,
        { cause: error },
      );
    }
    this.unwritten.clear();
  }

  /** Number of stored calls. */
  size(): number {
    this.flush();
    return (this.db.prepare("SELECT count(*) AS n FROM calls").get() as { n: number }).n;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.db.close();
    }
  }
}

/**
 * The cache a command should use given psysim.yaml's `cache:` section: its `path`
 * (relative paths against the config file's folder; default `.psysim/cache.sqlite` in the
 * working directory), or none when `enabled: false`. `override` is what a CLI flag said.
 */
export function openConfiguredCache(
  config: {
    cache?: { path?: string | undefined; enabled?: boolean | undefined };
    source?: { dir: string };
  } = {},
  override: { path?: string; enabled?: boolean } = {},
): CallCache | null {
  if ((override.enabled ?? config.cache?.enabled) === false) return null;
  if (override.path !== undefined) return CallCache.open(override.path);
  const configured = config.cache?.path;
  return CallCache.open(
    configured === undefined ? DEFAULT_CACHE_PATH : resolve(config.source?.dir ?? ".", configured),
  );
}

export interface CallCacheOptions {
  /** The model's identity in the key; default `model.id`. Give equal identities to specs naming the same model. */
  identity?: string;
  /** The model's configured sampling defaults, merged under each request's params for the key. */
  sampling?: SamplingParams;
}

/**
 * Answers a call from the cache when the same sample was made before; otherwise calls
 * through and stores the answer. Identical calls in flight at once share one real call.
 * A replayed answer reports `cached_calls: 1` and costs nothing.
 */
export function withCallCache(
  model: ChatModel,
  cache: CallCache,
  options: CallCacheOptions = {},
): ChatModel {
  const identity = options.identity ?? model.id;
  const pending = new Map<string, Promise<ChatResponse>>();

  async function complete(request: ChatRequest): Promise<ChatResponse> {
    const key = requestCacheKey(
      identity,
      { ...options.sampling, ...request.params },
      request.messages,
      request.jsonSchema ?? null,
      request.sampleKey,
    );
    const hit = cache.get(key);
    if (hit) return replayed(hit);
    const inFlight = pending.get(key);
    if (inFlight) return replayed(toCached(await inFlight));
    const call = model.complete(request).then((response) => {
      cache.put(key, { model: identity, sampleKey: request.sampleKey }, toCached(response));
      return response;
    });
    pending.set(key, call);
    try {
      return await call;
    } finally {
      pending.delete(key);
    }
  }

  return { id: model.id, ...(model.isBaseline ? { isBaseline: true } : {}), complete };
}

function toCached(response: ChatResponse): CachedCall {
  return {
    content: response.content,
    promptTokens: response.usage.prompt_tokens,
    completionTokens: response.usage.completion_tokens,
    ...(response.finishReason === undefined ? {} : { finishReason: response.finishReason }),
    ...(response.droppedTurns === undefined ? {} : { droppedTurns: response.droppedTurns }),
    ...(response.schemaNotEnforced === undefined
      ? {}
      : { schemaNotEnforced: response.schemaNotEnforced }),
  };
}

function replayed(call: CachedCall): ChatResponse {
  return {
    content: call.content,
    usage: {
      prompt_tokens: call.promptTokens,
      completion_tokens: call.completionTokens,
      calls: 1,
      cached_calls: 1,
      cost_usd: 0,
    },
    ...(call.finishReason === undefined ? {} : { finishReason: call.finishReason }),
    ...(call.droppedTurns === undefined ? {} : { droppedTurns: call.droppedTurns }),
    ...(call.schemaNotEnforced === undefined ? {} : { schemaNotEnforced: call.schemaNotEnforced }),
  };
}
