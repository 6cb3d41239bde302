import { html } from "hono/html";
import { DEFAULT_SUPPORT_RESOURCES } from "../../simulation/support-resources.js";
import type { AnnotationStore } from "../annotation-store.js";
import { t, type UiLanguage } from "./i18n.js";
import type { Markup } from "./layout.js";

/** The platform's defaults are the simulation layer's (`eval safety` checks replies against the same text). */
export const DEFAULT_SUPPORT: Record<UiLanguage, string> = DEFAULT_SUPPORT_RESOURCES;

export const SUPPORT_SETTING = "support_resources";

/** Shown in client mode when the annotator's own words matched the crisis lexicon. */
export function supportResources(store: AnnotationStore, lang: UiLanguage): Markup {
  const text = store.getSetting(SUPPORT_SETTING)?.value.trim() || DEFAULT_SUPPORT[lang];
  return html`<div class="support" role="alert" id="support">
    <p><strong>${t(lang, "supportTitle")}</strong></p>
    ${text.split("\n").map((line) => html`<p>${line}</p>`)}
  </div>`;
}
