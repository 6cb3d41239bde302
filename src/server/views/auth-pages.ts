import { html } from "hono/html";
import { MIN_PASSWORD_LENGTH } from "../password.js";
import { t } from "./i18n.js";
import { csrfField, layout, type Markup, type PageContext } from "./layout.js";

function problem(message: string | undefined): Markup | string {
  return message ? html`<p class="problem" role="alert">${message}</p>` : "";
}

export function loginPage(
  page: PageContext,
  options: { error?: string; name?: string } = {},
): Markup {
  const { lang } = page;
  return layout(
    page,
    t(lang, "login"),
    html`<section class="narrow card-box">
  <h1>${t(lang, "login")}</h1>
  ${problem(options.error)}
  <form method="post" action="/login">
    ${csrfField(page)}
    <label>${t(lang, "name")}<input name="name" autocomplete="username" required autofocus value="${options.name ?? ""}"></label>
    <label>${t(lang, "password")}<input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit" class="primary">${t(lang, "login")}</button>
  </form>
</section>`,
  );
}

/** Setting a password: the first admin (setup token) and invited annotators share this form. */
export function passwordPage(
  page: PageContext,
  options: {
    title: string;
    help: string;
    action: string;
    token: string;
    name?: string;
    nameEditable: boolean;
    error?: string;
  },
): Markup {
  const { lang } = page;
  return layout(
    page,
    options.title,
    html`<section class="narrow card-box">
  <h1>${options.title}</h1>
  <p>${options.help}</p>
  ${problem(options.error)}
  <form method="post" action="${options.action}">
    ${csrfField(page)}
    <input type="hidden" name="token" value="${options.token}">
    <label>${t(lang, "name")}<input name="name" autocomplete="username" required value="${options.name ?? ""}" ${options.nameEditable ? "" : "readonly"}></label>
    <label>${t(lang, "password")} <small>(${t(lang, "passwordHint")})</small><input name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required></label>
    <button type="submit" class="primary">${t(lang, "createAccount")}</button>
  </form>
</section>`,
  );
}

export function messagePage(page: PageContext, title: string, message: string): Markup {
  return layout(
    page,
    title,
    html`<section class="narrow card-box"><h1>${title}</h1><p class="problem" role="alert">${message}</p></section>`,
  );
}
