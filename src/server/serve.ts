import { serve as serveHttp, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { arenaCounselor, type ArenaCounselor } from "../arena/arena-counselor.js";
import { parseCounselorRegistry, type CounselorEntry } from "../arena/counselor-registry.js";
import { PsysimError } from "../core/errors.js";
import { readRoleCards } from "../core/read-records.js";
import type { RoleCard } from "../core/role-card.js";
import { openModelContext } from "../app/model-context.js";
import { resolveRunSettings } from "../app/run-settings.js";
import { bootstrapAdmin, type AdminBootstrap } from "./admin-bootstrap.js";
import { createApp } from "./app.js";
import { parseServeConfig } from "./serve-config.js";
import { SimulationSessionEngine } from "./simulation-session-engine.js";
import { SqliteAnnotationStore } from "./sqlite-annotation-store.js";

export interface ServeOptions {
  config?: string;
  db?: string;
  port?: number;
  host?: string;
  seed?: number;
  /** Call cache file, or false for none (see openModelContext). */
  cache?: string | boolean;
  /** False skips the HTTP probe of the models' endpoints before listening (`--no-preflight`). */
  preflight?: boolean;
  secureCookies?: boolean;
  /** The origin people use (`--public-url`): other hosts are refused, links are built from it. */
  publicUrl?: string;
  /** Role-card files (JSONL / JSON / YAML) loaded before the server listens (`--cards`). */
  cards?: readonly string[];
  env?: Record<string, string | undefined>;
}

export interface RunningServer {
  url: string;
  admin: AdminBootstrap;
  counselors: string[];
  isBaseline: boolean;
  store: SqliteAnnotationStore;
  /** `--public-url`, when given: the address to hand out. */
  publicUrl?: string;
  /** Cards read from `--cards`: how many were added and replaced. */
  cards: { added: number; replaced: number };
  close(): Promise<void>;
}

export const SERVE_DEFAULTS = { db: ".psysim/annotations.sqlite", port: 8787, host: "127.0.0.1" };

/** Without a `counselors:` section the platform pairs two baseline counselors, so it runs offline. */
const BASELINE_COUNSELORS: CounselorEntry[] = ["baseline-a", "baseline-b"].map((name) => ({
  name,
  model: "baseline",
  systemPrompt: { kind: "three-stage" },
  sampling: {},
}));

/** `psysim serve`: the annotation platform on one SQLite file, models from the config through psysim's call path. */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const context = openModelContext({
    config: options.config,
    cache: options.cache,
    circuitBreaker: false,
  });
  let store: SqliteAnnotationStore | undefined;
  try {
    const config = context.config;
    const file = config?.source.file ?? "psysim.yaml";
    const serveConfig = parseServeConfig(config?.serve, file);
    const registry = parseCounselorRegistry(
      config?.counselors,
      file,
      config?.source.dir ?? process.cwd(),
    );
    const entries =
      registry.size === 0
        ? BASELINE_COUNSELORS
        : (serveConfig.counselors ?? [...registry.keys()]).map((name) => {
            const entry = registry.get(name);
            if (!entry)
              throw new PsysimError(
                "CONFIG_INVALID",
                `${file}: serve.counselors: ${name} is not under counselors:`,
              );
            return entry;
          });
    if (entries.length < 2)
      throw new PsysimError(
        "CONFIG_INVALID",
        `${file}: counselors: the annotation platform compares two counselors; configure at least two`,
      );
    const counselors = new Map<string, ArenaCounselor>();
    for (const entry of entries)
      counselors.set(entry.name, arenaCounselor(entry, await context.chatModel(entry.model)));
    // serve: keys win over simulation: ones, exactly as a flag would.
    const settings = resolveRunSettings(config, {
      client: serveConfig.client,
      maxTurns: serveConfig.max_turns,
      seed: options.seed ?? serveConfig.seed,
    });
    const client = await context.chatModel(settings.client);
    // Every model is checked before the platform opens, so the first annotator never meets a dead endpoint.
    await context.preflight({ probe: options.preflight ?? true });
    const seed = settings.seed ?? 0;
    const engine = new SimulationSessionEngine({
      client,
      counselors,
      ...(settings.maxTurns === undefined ? {} : { maxTurns: settings.maxTurns }),
      validator: settings.validator,
      ...(settings.maxAttempts === undefined ? {} : { maxAttempts: settings.maxAttempts }),
      ...(settings.exhaustedPolicy === undefined
        ? {}
        : { exhaustedPolicy: settings.exhaustedPolicy }),
    });
    const isBaseline =
      Boolean(client.isBaseline) || [...counselors.values()].some((c) => c.model.isBaseline);

    const publicUrl =
      options.publicUrl === undefined ? undefined : parsePublicUrl(options.publicUrl);
    // Cards are read (and any bad line reported) before the database is touched.
    const cards: RoleCard[] = [];
    for (const file of options.cards ?? []) cards.push(...(await readRoleCards(file)));
    store = new SqliteAnnotationStore(options.db ?? serveConfig.db ?? SERVE_DEFAULTS.db);
    const loaded = cards.length > 0 ? store.upsertRoleCards(cards) : { added: 0, replaced: 0 };
    store.purgeExpired(new Date(), 24 * 3_600_000);
    const admin = await bootstrapAdmin(store, options.env ?? process.env);
    const { app } = createApp({
      store,
      engine,
      seed,
      isBaseline,
      secureCookies: options.secureCookies ?? publicUrl?.startsWith("https:") ?? false,
      ...(publicUrl ? { publicUrl } : {}),
    });
    const host = options.host ?? serveConfig.host ?? SERVE_DEFAULTS.host;
    const server = await listen(
      app.fetch,
      options.port ?? serveConfig.port ?? SERVE_DEFAULTS.port,
      host,
    );
    const address = server.address() as AddressInfo;
    const openStore = store;
    return {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
      ...(publicUrl ? { publicUrl } : {}),
      cards: loaded,
      admin,
      counselors: [...counselors.keys()],
      isBaseline,
      store,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            openStore.close();
            context.close();
            resolve();
          });
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
    };
  } catch (error) {
    store?.close();
    context.close();
    throw error;
  }
}

/** `--public-url`: an http(s) origin, nothing after it. */
function parsePublicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PsysimError(
      "INPUT_INVALID",
      `--public-url: "${raw}" is not a URL; give e.g. https://annotate.example.org`,
    );
  }
  if (!/^https?:$/.test(url.protocol) || url.pathname !== "/" || url.search || url.hash)
    throw new PsysimError(
      "INPUT_INVALID",
      `--public-url: "${raw}" must be an http(s) origin without a path, e.g. https://annotate.example.org`,
    );
  return url.origin;
}

function listen(
  fetch: (request: Request, env?: unknown) => Response | Promise<Response>,
  port: number,
  hostname: string,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serveHttp({ fetch, port, hostname }, () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new PsysimError(
          "OUTPUT_UNWRITABLE",
          `cannot listen on ${hostname}:${port} (${error.code ?? error.message}); pass another --port or --host`,
        ),
      ),
    );
  });
}
