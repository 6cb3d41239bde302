import { html } from "hono/html";
import { MIN_PASSWORD_LENGTH } from "../password.js";
import { t, type MessageKey } from "./i18n.js";
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

const STATUS_TITLES: Record<string, MessageKey> = {
  "400": "status400",
  "403": "status403",
  "404": "status404",
  "409": "status409",
  "413": "status413",
  "421": "status421",
  "500": "status500",
};

/**
 * A message, or an error page when `title` is an HTTP status: a heading in the page's language
 * with the code, and the ways on (reload what changed, or go home) instead of a bare number.
 */
export function messagePage(page: PageContext, title: string, message: string): Markup {
  const { lang } = page;
  const key = STATUS_TITLES[title];
  const heading = key ? `${t(lang, key)} (${title})` : title;
  const ways = key
    ? html`<div class="buttons">
        ${title === "404" ? "" : html`<a class="button" href="${page.path}">${t(lang, "reloadPage")}</a>`}
        <a class="button primary" href="/">${t(lang, "home")}</a>
      </div>`
    : "";
  return layout(
    page,
    heading,
    html`<section class="narrow card-box"><h1>${heading}</h1><p class="problem" role="alert">${message}</p>${ways}</section>`,
  );
}
