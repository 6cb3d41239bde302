import { Hono, type Context } from "hono";
import { formField } from "../form-body.js";
import type { AnnotationStore } from "../annotation-store.js";
import type { LoginRateLimit } from "../login-rate-limit.js";
import {
  hashPassword,
  MIN_PASSWORD_LENGTH,
  verifyPassword,
  type ScryptParams,
} from "../password.js";
import { tokenHash } from "../tokens.js";
import { loginPage, messagePage, passwordPage } from "../views/auth-pages.js";
import { t } from "../views/i18n.js";
import { pageContext, signIn, signOut, type AuthEnv, type WebAuthOptions } from "../web-auth.js";

export interface AuthRouteOptions extends WebAuthOptions {
  store: AnnotationStore;
  rateLimit: LoginRateLimit;
  scrypt: ScryptParams;
}

function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming;
  return incoming?.socket?.remoteAddress ?? "in-process";
}

export function authRoutes(options: AuthRouteOptions): Hono<AuthEnv> {
  const { store } = options;
  const app = new Hono<AuthEnv>();
  /** Compared against when the account does not exist, so a wrong name costs as long as a wrong password. */
  let decoyHash: Promise<string> | undefined;

  app.get("/login", (c) =>
    c.get("user") ? c.redirect("/", 303) : c.html(loginPage(pageContext(c))),
  );

  app.post("/login", async (c) => {
    const page = pageContext(c);
    const name = (await formField(c, "name")).trim();
    const password = await formField(c, "password");
    const keys = [`name:${name.toLowerCase()}`, `address:${clientAddress(c)}`];
    const wait = options.rateLimit.retryAfterMs(keys);
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return c.html(
        loginPage(page, {
          name,
          error: t(page.lang, "tooManyAttempts", { minutes: Math.ceil(wait / 60_000) }),
        }),
        429,
      );
    }
    const login = store.findLogin(name);
    decoyHash ??= hashPassword("decoy password never used", options.scrypt);
    const ok = await verifyPassword(password, login?.passwordHash ?? (await decoyHash));
    if (!login || !ok) {
      options.rateLimit.recordFailure(keys);
      return c.html(loginPage(page, { name, error: t(page.lang, "badLogin") }), 401);
    }
    options.rateLimit.recordSuccess(keys[0]!);
    signIn(c, options, login.user);
    return c.redirect(login.user.role === "admin" ? "/admin" : "/", 303);
  });

  app.post("/logout", (c) => {
    signOut(c, options);
    return c.redirect("/login", 303);
  });

  app.get("/setup", (c) => {
    const page = pageContext(c);
    const token = c.req.query("token") ?? "";
    return c.html(
      passwordPage(page, {
        title: t(page.lang, "setupTitle"),
        help: t(page.lang, "setupHelp"),
        action: "/setup",
        token,
        name: "admin",
        nameEditable: true,
      }),
    );
  });

  app.post("/setup", async (c) => {
    const page = pageContext(c);
    const [token, name, password] = [
      await formField(c, "token"),
      (await formField(c, "name")).trim(),
      await formField(c, "password"),
    ];
    const form = {
      title: t(page.lang, "setupTitle"),
      help: t(page.lang, "setupHelp"),
      action: "/setup",
      token,
      name,
      nameEditable: true,
    };
    if (password.length < MIN_PASSWORD_LENGTH || !validName(name))
      return c.html(passwordPage(page, { ...form, error: t(page.lang, "passwordTooShort") }), 400);
    const user = store.consumeSetupToken(
      tokenHash(token),
      name,
      await hashPassword(password, options.scrypt),
    );
    if (!user)
      return c.html(
        messagePage(page, t(page.lang, "setupTitle"), t(page.lang, "setupInvalid")),
        403,
      );
    signIn(c, options, user);
    return c.redirect("/admin", 303);
  });

  app.get("/invite/:token", (c) => {
    const page = pageContext(c);
    const token = c.req.param("token");
    const invite = store.findOpenInvite(tokenHash(token), options.now().toISOString());
    if (!invite)
      return c.html(
        messagePage(page, t(page.lang, "inviteTitle"), t(page.lang, "inviteInvalid")),
        404,
      );
    return c.html(
      passwordPage(page, {
        title: t(page.lang, "inviteTitle"),
        help: t(page.lang, "inviteHelp"),
        action: `/invite/${token}`,
        token,
        name: invite.name,
        nameEditable: false,
      }),
    );
  });

  app.post("/invite/:token", async (c) => {
    const page = pageContext(c);
    const token = c.req.param("token");
    const password = await formField(c, "password");
    const invite = store.findOpenInvite(tokenHash(token), options.now().toISOString());
    if (!invite)
      return c.html(
        messagePage(page, t(page.lang, "inviteTitle"), t(page.lang, "inviteInvalid")),
        404,
      );
    if (password.length < MIN_PASSWORD_LENGTH) {
      const form = {
        title: t(page.lang, "inviteTitle"),
        help: t(page.lang, "inviteHelp"),
        action: `/invite/${token}`,
        token,
        name: invite.name,
        nameEditable: false,
      };
      return c.html(passwordPage(page, { ...form, error: t(page.lang, "passwordTooShort") }), 400);
    }
    const user = store.acceptInvite(
      tokenHash(token),
      await hashPassword(password, options.scrypt),
      options.now().toISOString(),
    );
    if (!user)
      return c.html(
        messagePage(page, t(page.lang, "inviteTitle"), t(page.lang, "inviteInvalid")),
        409,
      );
    signIn(c, options, user);
    return c.redirect("/", 303);
  });

  return app;
}

/** Names appear in judge ids (`human:<name>`): letters, digits, `_`, `.`, `-`. */
export function validName(name: string): boolean {
  return /^[\p{L}\p{N}_.-]{1,64}$/u.test(name);
}
