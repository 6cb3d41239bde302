import { html } from "hono/html";
import type { AnnotationStore } from "../annotation-store.js";
import { t, type UiLanguage } from "./i18n.js";
import type { Markup } from "./layout.js";

/**
 * Where to get help now. The defaults name widely listed services; a lab sets its own (its
 * institution's counseling service, the local emergency number) on the admin page, and
 * should check them before a campaign starts.
 */
export const DEFAULT_SUPPORT: Record<UiLanguage, string> = {
  zh: [
    "如果你正处在危险中，请立即拨打 120 或 110。",
    "全国心理援助热线：400-161-9995",
    "北京心理危机研究与干预中心：010-82951332（24 小时）",
  ].join("\n"),
  en: [
    "If you are in danger now, call your local emergency number.",
    "US: call or text 988 (Suicide & Crisis Lifeline). UK and Ireland: Samaritans, 116 123.",
    "Elsewhere: findahelpline.com lists free, confidential helplines.",
  ].join("\n"),
};

export const SUPPORT_SETTING = "support_resources";

/** Shown in client mode when the annotator's own words matched the crisis lexicon. */
export function supportResources(store: AnnotationStore, lang: UiLanguage): Markup {
  const text = store.getSetting(SUPPORT_SETTING)?.value.trim() || DEFAULT_SUPPORT[lang];
  return html`<div class="support" role="alert" id="support">
    <p><strong>${t(lang, "supportTitle")}</strong></p>
    ${text.split("\n").map((line) => html`<p>${line}</p>`)}
  </div>`;
}
