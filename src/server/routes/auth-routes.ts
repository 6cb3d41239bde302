import { Hono, type Context } from "hono";
import { formField } from "../form-body.js";
import type { AnnotationStore } from "../annotation-store.js";
import type { LoginRateLimit } from "../login-rate-limit.js";
import {
  hashPassword,
  MAX_PASSWORD_LENGTH,
  passwordProblem,
  verifyPassword,
  type ScryptParams,
} from "../password.js";
import { normaliseName, validName } from "../user-names.js";
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
    const name = normaliseName(await formField(c, "name")).slice(0, 64);
    const password = await formField(c, "password");
    const address = clientAddress(c);
    // Counted before the password is checked, atomically: concurrent guesses cannot slip through.
    const wait = options.rateLimit.attempt(name, address);
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
    const login = password.length <= MAX_PASSWORD_LENGTH ? store.findLogin(name) : null;
    decoyHash ??= hashPassword("decoy password never used", options.scrypt);
    const ok =
      password.length <= MAX_PASSWORD_LENGTH &&
      (await verifyPassword(password, login?.passwordHash ?? (await decoyHash)));
    if (!login || !ok)
      return c.html(loginPage(page, { name, error: t(page.lang, "badLogin") }), 401);
    options.rateLimit.succeeded(name, address);
    if (login.user.disabledAt)
      return c.html(loginPage(page, { name, error: t(page.lang, "accountDisabled") }), 403);
    store.purgeExpired(options.now(), 24 * 3_600_000);
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
      normaliseName(await formField(c, "name")),
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
    if (!validName(name))
      return c.html(passwordPage(page, { ...form, error: t(page.lang, "badName") }), 400);
    const problem = passwordProblem(password, name);
    if (problem)
      return c.html(
        passwordPage(page, { ...form, error: t(page.lang, `password_${problem}`) }),
        400,
      );
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
    const problem = passwordProblem(password, invite.name);
    if (problem) {
      const form = {
        title: t(page.lang, "inviteTitle"),
        help: t(page.lang, "inviteHelp"),
        action: `/invite/${token}`,
        token,
        name: invite.name,
        nameEditable: false,
      };
      return c.html(
        passwordPage(page, { ...form, error: t(page.lang, `password_${problem}`) }),
        400,
      );
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
