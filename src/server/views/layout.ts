import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { User } from "../annotation-store.js";
import { t, type UiLanguage } from "./i18n.js";

export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageContext {
  lang: UiLanguage;
  user: User | null;
  csrf: string;
  /** Path of the current page, for the language switch link. */
  path: string;
}

/** A hidden CSRF field: every form that changes state carries one. */
export function csrfField(page: PageContext): Markup {
  return html`<input type="hidden" name="_csrf" value="${page.csrf}">`;
}

export function layout(
  page: PageContext,
  title: string,
  body: Markup,
  options: { wide?: boolean } = {},
): Markup {
  const { lang, user } = page;
  const other: UiLanguage = lang === "zh" ? "en" : "zh";
  return html`<!doctype html>
<html lang="${lang === "zh" ? "zh-CN" : "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t(lang, "appName")}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/style.css">
<script src="/static/app.js" defer></script>
</head>
<body data-generating="${t(lang, "generating")}" data-seconds="${t(lang, "seconds")}">
<header class="topbar">
  <a class="brand" href="/">${t(lang, "appName")}</a>
  <nav>
    ${user?.role === "admin" ? html`<a href="/admin">${t(lang, "admin")}</a><a href="/leaderboard">${t(lang, "leaderboard")}</a>` : ""}
    <a href="${page.path}?lang=${other}" hreflang="${other}">${t(lang, "language")}</a>
    ${
      user
        ? html`<span class="who">${user.name}</span>
        <form method="post" action="/logout" class="inline">${csrfField(page)}<button type="submit" class="link">${t(lang, "logout")}</button></form>`
        : ""
    }
  </nav>
</header>
<main class="${options.wide ? "page wide" : "page"}">
${body}
</main>
</body>
</html>`;
}
