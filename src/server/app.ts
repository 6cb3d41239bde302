import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { PsysimError } from "../core/errors.js";
import type { AnnotationStore } from "./annotation-store.js";
import { ArenaSessions } from "./arena-sessions.js";
import { LoginRateLimit, type LoginThrottleSettings } from "./login-rate-limit.js";
import { DEFAULT_SCRYPT_PARAMS, type ScryptParams } from "./password.js";
import { adminRoutes } from "./routes/admin-routes.js";
import { annotatorRoutes } from "./routes/annotator-routes.js";
import { authRoutes } from "./routes/auth-routes.js";
import { leaderboardRoutes } from "./routes/leaderboard-routes.js";
import type { SessionEngine } from "./session-engine.js";
import { loadStaticAssets } from "./static-assets.js";
import { messagePage } from "./views/auth-pages.js";
import { t } from "./views/i18n.js";
import type { PageContext } from "./views/layout.js";
import { localPath, webAuth, type AuthEnv, type WebAuthOptions } from "./web-auth.js";

export interface AppOptions {
  store: AnnotationStore;
  engine: SessionEngine;
  /** Seeds candidate positions, tie continuations and random pairs; default 0. */
  seed?: number;
  /** True when the engine runs psysim's rule-based baseline, which the pages then say. */
  isBaseline?: boolean;
  now?: () => Date;
  /** Login throttling limits and clock (tests); defaults in DEFAULT_LOGIN_THROTTLE. */
  loginThrottle?: Partial<LoginThrottleSettings>;
  /**
   * The origin people reach the platform at (`--public-url`): requests naming another host are
   * refused, and links (invites) are built from it. Unset: links use the request's own host.
   */
  publicUrl?: string;
  /** scrypt cost for new passwords; tests lower it, production keeps the default. */
  scrypt?: ScryptParams;
  sessionTtlMs?: number;
  inviteTtlMs?: number;
  secureCookies?: boolean;
  /** Bootstrap rounds for the leaderboard's intervals; default 200 (the page is computed on each visit). */
  leaderboardRounds?: number;
  /** Largest upload accepted (role cards, battles); default 20 MiB. Forms elsewhere take 64 KiB, logins 8 KiB. */
  maxBodyBytes?: number;
}

export interface AnnotationApp {
  app: Hono<AuthEnv>;
  sessions: ArenaSessions;
}

const HOUR = 3_600_000;

/** The annotation platform as a Hono app: every page behind a session, every form behind a CSRF token. */
export function createApp(options: AppOptions): AnnotationApp {
  const now = options.now ?? (() => new Date());
  const seed = options.seed ?? 0;
  const auth: WebAuthOptions = {
    store: options.store,
    now,
    sessionTtlMs: options.sessionTtlMs ?? 12 * HOUR,
    secureCookies: options.secureCookies ?? false,
  };
  const sessions = new ArenaSessions(options.store, options.engine, {
    seed,
    now: () => now().toISOString(),
  });
  const assets = loadStaticAssets();
  const app = new Hono<AuthEnv>();

  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      // Not no-referrer: with it Chromium sends `Origin: null` on form posts, which the CSRF check must refuse.
      referrerPolicy: "same-origin",
      crossOriginResourcePolicy: "same-origin",
      strictTransportSecurity: options.secureCookies ? "max-age=15552000" : false,
    }),
  );
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.header("Cache-Control", "no-store");
  });
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl) : null;
  if (publicOrigin)
    app.use("*", async (c, next) => {
      // A request for another host (a spoofed Host header, DNS rebinding) is not ours to answer.
      const host = c.req.header("host") ?? new URL(c.req.url).host;
      if (host !== publicOrigin.host) {
        console.error(`psysim serve: refused a request for host ${JSON.stringify(host)}`);
        return c.text("unknown host", 421);
      }
      await next();
    });
  // Limits by route, checked before any body is read: small for the login forms, large only for uploads.
  const limits = [
    bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.text("request body too large", 413) }),
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text("request body too large", 413) }),
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 20 * 1024 * 1024,
      onError: (c) => c.text("request body too large", 413),
    }),
  ] as const;
  app.use("*", (c, next) => {
    const path = c.req.path;
    const limit = /^\/(login|setup|invite\/)/.test(path)
      ? limits[0]
      : /^\/admin\/(cards|battles)$/.test(path)
        ? limits[2]
        : limits[1];
    return limit(c, next);
  });

  app.get("/static/:name", (c) => {
    const asset = assets.get(c.req.param("name"));
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { "content-type": asset.type, "cache-control": "no-cache" });
  });
  app.get("/healthz", (c) => c.text("ok"));

  app.use("*", webAuth(auth));
  app.route(
    "/",
    authRoutes({
      ...auth,
      rateLimit: new LoginRateLimit(options.store, options.loginThrottle),
      scrypt: options.scrypt ?? DEFAULT_SCRYPT_PARAMS,
    }),
  );
  app.route(
    "/admin",
    adminRoutes({
      store: options.store,
      engine: options.engine,
      now,
      inviteTtlMs: options.inviteTtlMs ?? 7 * 24 * HOUR,
      ...(publicOrigin ? { publicOrigin: publicOrigin.origin } : {}),
      sessions,
      seed,
      isBaseline: options.isBaseline ?? false,
    }),
  );
  app.route(
    "/leaderboard",
    leaderboardRoutes(options.store, { rounds: options.leaderboardRounds ?? 200, seed }),
  );
  app.route("/", annotatorRoutes(options.store, sessions, options.engine));

  app.notFound((c) => {
    const page = safePageContext(c);
    return c.html(messagePage(page, "404", t(page.lang, "notFoundMessage")), 404);
  });
  app.onError((error, c) => {
    const page = safePageContext(c);
    if (error instanceof HTTPException) {
      return c.html(
        messagePage(page, String(error.status), error.message || "error"),
        error.status,
      );
    }
    if (error instanceof PsysimError) {
      const status = statusOf(error);
      if (status !== 500) return c.html(messagePage(page, String(status), error.message), status);
    }
    console.error(error);
    return c.html(messagePage(page, "500", t(page.lang, "internalError")), 500);
  });
  return { app, sessions };
}

/** Input mistakes are 400, a state that moved on 409, a missing thing 404; the rest is ours (500). */
export function statusOf(error: PsysimError): 400 | 404 | 409 | 500 {
  switch (error.code) {
    case "INPUT_INVALID":
    case "INPUT_LINE_INVALID":
      return 400;
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
      return 409;
    default:
      return 500;
  }
}

/**
 * Error pages render even when the failure came before the auth middleware set the context.
 * After a form post the page's links (reload, language) lead back to the page the form was on,
 * never to the post's own address.
 */
function safePageContext(c: Context<AuthEnv>): PageContext {
  return {
    lang: c.get("lang") ?? "zh",
    user: c.get("user") ?? null,
    csrf: c.get("csrf") ?? "",
    path: c.req.method === "GET" ? localPath(c.req.url) : (formPage(c) ?? "/"),
  };
}

/** The same-origin page a form was posted from (the Referer; the pages send it same-origin only). */
function formPage(c: Context<AuthEnv>): string | null {
  try {
    const from = new URL(c.req.header("referer") ?? "");
    return from.host === new URL(c.req.url).host ? localPath(from.href) : null;
  } catch {
    return null;
  }
}
