import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import type { AnnotationStore, User, WebSession } from "./annotation-store.js";
import { pickUiLanguage, type UiLanguage } from "./views/i18n.js";
import type { PageContext } from "./views/layout.js";
import { randomToken, sameToken, tokenHash } from "./tokens.js";
import { formField } from "./form-body.js";

export const SESSION_COOKIE = "psysim_session";
/** Before login there is no session to hold a CSRF token, so the login, setup and invite forms use a cookie-bound one. */
export const PRELOGIN_CSRF_COOKIE = "psysim_csrf";
export const LANGUAGE_COOKIE = "psysim_lang";

export interface AuthEnv {
  Variables: {
    session: WebSession | null;
    user: User | null;
    csrf: string;
    lang: UiLanguage;
  };
}

export interface WebAuthOptions {
  store: AnnotationStore;
  now: () => Date;
  sessionTtlMs: number;
  /** Adds `Secure` to cookies; set it when the platform is served over HTTPS (e.g. behind a TLS proxy). */
  secureCookies: boolean;
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Loads the signed-in user (if any), the interface language and the CSRF token for this
 * request, and refuses state-changing requests without the right token or from another origin.
 */
export function webAuth(options: WebAuthOptions): MiddlewareHandler<AuthEnv> {
  const cookieBase = {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: options.secureCookies,
  } as const;
  return async (c, next) => {
    const lang = c.req.query("lang");
    if (lang === "zh" || lang === "en")
      setCookie(c, LANGUAGE_COOKIE, lang, { ...cookieBase, maxAge: 365 * 86400 });
    c.set(
      "lang",
      pickUiLanguage(lang ?? getCookie(c, LANGUAGE_COOKIE), c.req.header("accept-language")),
    );

    const raw = getCookie(c, SESSION_COOKIE);
    const session = raw
      ? options.store.findWebSession(tokenHash(raw), options.now().toISOString())
      : null;
    c.set("session", session);
    c.set("user", session?.user ?? null);
    let csrf = session?.csrfToken ?? getCookie(c, PRELOGIN_CSRF_COOKIE);
    if (!csrf) {
      csrf = randomToken();
      setCookie(c, PRELOGIN_CSRF_COOKIE, csrf, cookieBase);
    }
    c.set("csrf", csrf);

    if (STATE_CHANGING.has(c.req.method)) {
      const origin = c.req.header("origin");
      if (
        origin !== undefined &&
        !sameHost(origin, c.req.header("host") ?? new URL(c.req.url).host)
      )
        throw new HTTPException(403, { message: "cross-origin request refused" });
      const sent = c.req.header("x-csrf-token") ?? (await csrfFormField(c, "_csrf"));
      if (!sent || !sameToken(sent, csrf))
        throw new HTTPException(403, {
          message: "missing or wrong CSRF token; reload the page and try again",
        });
    }
    await next();
  };
}

/** Browsers send `Origin` on form posts; it must name this very host (`null`, from sandboxed frames, never does). */
function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // "null" or garbage: not this site
  }
}

async function csrfFormField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header("content-type") ?? "";
  if (
    !type.startsWith("application/x-www-form-urlencoded") &&
    !type.startsWith("multipart/form-data")
  )
    return undefined;
  return formField(c, name);
}

/** Starts a signed-in session: a fresh id (no fixation) and a fresh CSRF token. */
export function signIn(c: Context<AuthEnv>, options: WebAuthOptions, user: User): void {
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) options.store.deleteWebSession(tokenHash(previous));
  const id = randomToken();
  const expires = new Date(options.now().getTime() + options.sessionTtlMs);
  options.store.createWebSession(tokenHash(id), user.id, randomToken(), expires.toISOString());
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: options.secureCookies,
    expires,
  });
  deleteCookie(c, PRELOGIN_CSRF_COOKIE, { path: "/" });
}

export function signOut(c: Context<AuthEnv>, options: WebAuthOptions): void {
  const raw = getCookie(c, SESSION_COOKIE);
  if (raw) options.store.deleteWebSession(tokenHash(raw));
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** Pages need a signed-in user: a visit is sent to the login page, any other request refused. */
export function requireUser(role?: "admin"): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) {
      if (c.req.method === "GET" || c.req.method === "HEAD") return c.redirect("/login", 303);
      throw new HTTPException(401, { message: "sign in first" });
    }
    if (role && user.role !== role)
      throw new HTTPException(403, { message: "this page is for the admin" });
    await next();
  };
}

/**
 * The page's own path for links back to it (the language switch): `//evil.example/x` would be
 * a link to another site, so leading slashes collapse to one.
 */
export function localPath(url: string): string {
  return new URL(url).pathname.replace(/^\/+/, "/");
}

export function pageContext(c: Context<AuthEnv>): PageContext {
  return {
    lang: c.get("lang"),
    user: c.get("user"),
    csrf: c.get("csrf"),
    path: localPath(c.req.url),
  };
}
