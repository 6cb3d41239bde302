import type { Hono } from "hono";
import { arenaCounselor } from "../../src/arena/arena-counselor.js";
import { createBaselineChatModel } from "../../src/llm/providers/baseline.js";
import type { ChatModel } from "../../src/llm/chat-model.js";
import type { RoleCard } from "../../src/core/role-card.js";
import { normaliseRoleCard } from "../../src/core/role-card.js";
import { createApp, type AppOptions } from "../../src/server/app.js";
import { hashPassword, type ScryptParams } from "../../src/server/password.js";
import { SqliteAnnotationStore } from "../../src/server/sqlite-annotation-store.js";
import { SimulationSessionEngine } from "../../src/server/simulation-session-engine.js";
import type { AuthEnv } from "../../src/server/web-auth.js";

/** Low scrypt cost so tests stay fast; production uses DEFAULT_SCRYPT_PARAMS. */
export const CHEAP_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1 };
export const ADMIN_PASSWORD = "admin-password-1";
export const ANNOTATOR_PASSWORD = "annotator-password-1";

export function zhCard(
  id: string,
  complaint = "我最近总是睡不好，工作压力很大。我不知道该怎么办。",
): RoleCard {
  return normaliseRoleCard({ id, language: "zh", chief_complaint: complaint });
}

export interface PlatformOptions extends Partial<AppOptions> {
  counselors?: Record<string, ChatModel>;
  client?: ChatModel;
  maxTurns?: number;
  dbFile?: string;
}

/**
 * The second default counselor: the baseline with another opening word, so the two default
 * candidates differ (identical ones are never put to the judge). Test fixture, not a model.
 */
export function baselineVariant(model: ChatModel, id = "baseline-variant"): ChatModel {
  return {
    id,
    isBaseline: true,
    async complete(request) {
      const response = await model.complete(request);
      if (request.task?.kind !== "counselor") return response;
      const opening = request.task.language === "zh" ? "嗯，" : "Well, ";
      return { ...response, content: `${opening}${response.content}` };
    },
  };
}

/** A platform on a throwaway database with the offline baseline unless models are given. */
export async function makePlatform(options: PlatformOptions = {}) {
  const store = new SqliteAnnotationStore(options.dbFile ?? ":memory:");
  const baseline = createBaselineChatModel();
  const counselors = options.counselors ?? {
    "baseline-a": baseline,
    "baseline-b": baselineVariant(baseline),
  };
  const engine =
    options.engine ??
    new SimulationSessionEngine({
      client: options.client ?? baseline,
      counselors: new Map(
        Object.entries(counselors).map(([name, model]) => [
          name,
          arenaCounselor(
            { name, model: model.id, systemPrompt: { kind: "three-stage" }, sampling: {} },
            model,
          ),
        ]),
      ),
      maxTurns: options.maxTurns ?? 50,
    });
  const { app, sessions } = createApp({
    store,
    engine,
    scrypt: CHEAP_SCRYPT,
    isBaseline: true,
    ...options,
  });
  const admin = store.createUser(
    "admin",
    "admin",
    await hashPassword(ADMIN_PASSWORD, CHEAP_SCRYPT),
  );
  return { store, engine, app, sessions, admin };
}

/** An annotator account created directly in the store (the invite flow has its own tests). */
export async function addAnnotator(store: SqliteAnnotationStore, name: string) {
  return store.createUser(name, "annotator", await hashPassword(ANNOTATOR_PASSWORD, CHEAP_SCRYPT));
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/**
 * A browser stand-in over `app.request()`: keeps cookies, and sends the CSRF token of the
 * last page it saw, as a real form would.
 */
export class WebClient {
  readonly cookies = new Map<string, string>();
  csrf = "";

  constructor(
    private readonly app: Hono<AuthEnv>,
    private readonly base = "http://localhost",
  ) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, init: RequestInit = {}): Promise<Reply> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader());
    const res = await this.app.request(`${this.base}${path}`, { ...init, headers });
    this.remember(res);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1]!;
    return {
      status: res.status,
      headers: res.headers,
      text,
      location: res.headers.get("location"),
    };
  }

  get(path: string): Promise<Reply> {
    return this.request(path, { headers: { accept: "text/html" } });
  }

  /** Posts a form; `_csrf` is filled in from the last page unless the test sets it. */
  post(
    path: string,
    fields: Record<string, string | string[]> = {},
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const body = new URLSearchParams();
    if (!("_csrf" in fields)) body.append("_csrf", this.csrf);
    for (const [k, v] of Object.entries(fields))
      for (const one of ([] as string[]).concat(v)) body.append(k, one);
    return this.request(path, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    });
  }

  async login(name: string, password: string): Promise<Reply> {
    await this.get("/login");
    const reply = await this.post("/login", { name, password });
    if (reply.location) await this.get(reply.location);
    return reply;
  }
}
