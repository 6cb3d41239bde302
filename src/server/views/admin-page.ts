import { html } from "hono/html";
import type { RoleCard } from "../../core/role-card.js";
import type {
  AnnotatorProgress,
  Assignment,
  GenerationError,
  PendingInvite,
  User,
} from "../annotation-store.js";
import { t } from "./i18n.js";
import { csrfField, layout, type Markup, type PageContext } from "./layout.js";
import { cardLabel } from "./role-card-view.js";

export interface AdminView {
  progress: AnnotatorProgress[];
  annotators: User[];
  cards: RoleCard[];
  counselors: string[];
  assignments: Assignment[];
  importedBattles: number;
  isBaseline: boolean;
  pendingInvites: PendingInvite[];
  errors: GenerationError[];
  /** The admin's guideline text ("" for Figure 13's principles) and the version votes record. */
  guidelines: string;
  guidelineVersion: string;
  /** The admin's support resources for client mode ("" for the defaults). */
  support: string;
  /** One-off messages from the last action (import counts, a new invitation link, a problem). */
  notice?: { text: string; link?: string; isProblem?: boolean };
}

/** A time in the viewer's own zone: the page script rewrites the UTC text on load. */
export function localTime(iso: string | null | undefined, fallback: string): Markup {
  if (!iso) return html`${fallback}`;
  return html`<time datetime="${iso}" data-local>${iso.replace("T", " ").slice(0, 16)} UTC</time>`;
}

function annotatorSelect(annotators: User[], id?: string): Markup {
  return html`<select name="annotator" ${id ? html`id="${id}"` : ""} required>${annotators.filter((u) => !u.disabledAt).map((u) => html`<option value="${u.id}">${u.name}</option>`)}</select>`;
}

function counselorSelect(name: string, counselors: string[], selected: string | undefined): Markup {
  return html`<select name="${name}">${counselors.map((c) => html`<option value="${c}" ${c === selected ? "selected" : ""}>${c}</option>`)}</select>`;
}

export function adminPage(page: PageContext, view: AdminView): Markup {
  const { lang } = page;
  const notice = view.notice;
  return layout(
    page,
    t(lang, "admin"),
    html`<h1>${t(lang, "admin")}</h1>
${view.isBaseline ? html`<p class="notice">${t(lang, "baselineNote")}</p>` : ""}
${
  notice
    ? html`<div class="${notice.isProblem ? "problem" : "notice"}" role="status"><p>${notice.text}</p>${notice.link ? html`<p><input class="copy" readonly value="${notice.link}" id="invite-link"></p>` : ""}</div>`
    : ""
}
<section class="card-box">
  <h2>${t(lang, "progress")}</h2>
  ${view.progress.length === 0 ? html`<p class="muted">${t(lang, "noAnnotatorsYet")} ${t(lang, "inviteHint")}</p>` : ""}
  <table class="list stack" id="progress">
    <thead><tr><th>${t(lang, "annotators")}</th><th>${t(lang, "assignments")}</th><th>${t(lang, "finished")}</th><th>${t(lang, "active")}</th><th>${t(lang, "votes")}</th><th>${t(lang, "lastVote")}</th><th><span class="visually-hidden">${t(lang, "actions")}</span></th></tr></thead>
    <tbody>${view.progress.map((p) => {
      const user = view.annotators.find((u) => u.id === p.annotatorId);
      const action = (path: string, label: string, confirm?: string) =>
        html`<form method="post" action="/admin/users/${p.annotatorId}/${path}" class="inline" ${confirm ? html`data-confirm="${confirm}"` : ""}>${csrfField(page)}<button type="submit" class="link">${label}</button></form>`;
      return html`<tr><td>${p.name}${user?.disabledAt ? html` <span class="badge">${t(lang, "disabled")}</span>` : ""}</td><td data-label="${t(lang, "assignments")}">${p.assignments}</td><td data-label="${t(lang, "finished")}"><progress max="${Math.max(p.assignments, 1)}" value="${p.finished}"></progress> ${p.finished}</td><td data-label="${t(lang, "active")}">${p.active}</td><td data-label="${t(lang, "votes")}">${p.votes}</td><td data-label="${t(lang, "lastVote")}">${localTime(p.lastVoteAt, t(lang, "none"))}</td><td class="actions">${user?.disabledAt ? action("enable", t(lang, "enable")) : html`${action("sign-out", t(lang, "signOut"))} ${action("disable", t(lang, "disable"), t(lang, "disable") + " " + p.name + "?")}`}</td></tr>`;
    })}</tbody>
  </table>
</section>
<div class="admin-grid">
<section class="card-box">
  <h2>${t(lang, "invite")}</h2>
  <form method="post" action="/admin/invites">
    ${csrfField(page)}
    <label>${t(lang, "name")}<input name="name" required maxlength="64" pattern="[\\p{L}\\p{N}_.\\-]+"></label>
    <button type="submit" class="primary">${t(lang, "invite")}</button>
  </form>
  <h3>${t(lang, "pendingInvites")}</h3>
  <p class="muted small">${t(lang, "inviteHint")}</p>
  ${
    view.pendingInvites.length === 0
      ? html`<p class="muted">${t(lang, "noPendingInvites")}</p>`
      : html`<ul id="pending-invites">${view.pendingInvites.map((i) => html`<li>${i.name} · ${t(lang, "expires")} ${localTime(i.expiresAt, "")}</li>`)}</ul>`
  }
</section>
<section class="card-box">
  <h2>${t(lang, "cards")} (${view.cards.length})</h2>
  <form method="post" action="/admin/cards" enctype="multipart/form-data">
    ${csrfField(page)}
    <label>${t(lang, "importCards")}<input type="file" name="file" accept=".jsonl,.json,.yaml,.yml" required></label>
    <button type="submit">${t(lang, "upload")}</button>
  </form>
  <form method="post" action="/admin/battles" enctype="multipart/form-data">
    ${csrfField(page)}
    <label>${t(lang, "importBattles")} (${view.importedBattles})<input type="file" name="file" accept=".jsonl" required></label>
    <button type="submit">${t(lang, "upload")}</button>
  </form>
</section>
</div>
<section class="card-box">
  <h2>${t(lang, "assign")}</h2>
  <p class="muted">${t(lang, "counselorsConfigured", { list: view.counselors.join(", ") })}</p>
  <form method="post" action="/admin/assignments" class="assign-form">
    ${csrfField(page)}
    <label>${t(lang, "annotators")}${annotatorSelect(view.annotators)}</label>
    ${view.annotators.length === 0 ? html`<p class="muted small">${t(lang, "inviteHint")}</p>` : ""}
    <label>${t(lang, "mode")}<select name="mode"><option value="arena">${t(lang, "modeArena")}</option><option value="client">${t(lang, "modeClient")}</option></select></label>
    <label>${t(lang, "counselorA")}${counselorSelect("counselor_a", view.counselors, view.counselors[0])}</label>
    <label>${t(lang, "counselorB")}${counselorSelect("counselor_b", view.counselors, view.counselors[1])}</label>
    <label class="check"><input type="checkbox" name="random_pair" value="1"> ${t(lang, "randomPair")}</label>
    <fieldset class="card-choices"><legend>${t(lang, "cards")}</legend>
      <label class="check"><input type="checkbox" name="all_cards" value="1"> ${t(lang, "allCards")}</label>
      ${view.cards.map((c) => html`<label class="check"><input type="checkbox" name="card" value="${c.id}"> <code>${c.id}</code> ${cardLabel(c)}</label>`)}
    </fieldset>
    <button type="submit" class="primary">${t(lang, "assign")}</button>
  </form>
  <h3>${t(lang, "assignments")} (${view.assignments.length})</h3>
  <table class="list stack" id="assignments">
    <thead><tr><th>#</th><th>${t(lang, "annotators")}</th><th>${t(lang, "card")}</th><th>${t(lang, "counselorA")}</th><th>${t(lang, "counselorB")}</th><th>${t(lang, "mode")}</th><th><span class="visually-hidden">${t(lang, "actions")}</span></th></tr></thead>
    <tbody>${view.assignments.map(
      (a) =>
        html`<tr><td>${a.id}</td><td data-label="${t(lang, "annotators")}">${a.annotatorName}</td><td data-label="${t(lang, "card")}"><code>${a.cardId}</code></td><td data-label="${t(lang, "counselorA")}">${a.counselorA}</td><td data-label="${t(lang, "counselorB")}">${a.counselorB}</td><td data-label="${t(lang, "mode")}">${t(lang, a.mode === "arena" ? "modeArena" : "modeClient")}</td><td class="actions"><form method="post" action="/admin/assignments/${a.id}/reassign" class="inline reassign">${csrfField(page)}<label class="visually-hidden" for="reassign-${a.id}">${t(lang, "reassign")}</label>${annotatorSelect(view.annotators, `reassign-${a.id}`)}<button type="submit" class="link">${t(lang, "reassign")}</button></form> <form method="post" action="/admin/assignments/${a.id}/delete" class="inline" data-confirm="${t(lang, "delete")} #${a.id}?">${csrfField(page)}<button type="submit" class="link">${t(lang, "delete")}</button></form></td></tr>`,
    )}</tbody>
  </table>
</section>
<div class="admin-grid">
<section class="card-box">
  <h2>${t(lang, "guidelines")}</h2>
  <form method="post" action="/admin/guidelines">
    ${csrfField(page)}
    <label for="guidelines-text">${t(lang, "guidelinesEdit")}</label>
    <textarea id="guidelines-text" name="text" rows="6">${view.guidelines}</textarea>
    <p class="muted small">${t(lang, "currentVersion")}: <code>${view.guidelineVersion}</code></p>
    <button type="submit">${t(lang, "save")}</button>
  </form>
  <form method="post" action="/admin/support">
    ${csrfField(page)}
    <label for="support-text">${t(lang, "supportEdit")}</label>
    <textarea id="support-text" name="text" rows="4">${view.support}</textarea>
    <button type="submit">${t(lang, "save")}</button>
  </form>
</section>
<section class="card-box">
  <h2>${t(lang, "generationErrors")}</h2>
  ${
    view.errors.length === 0
      ? html`<p class="muted">${t(lang, "noErrors")}</p>`
      : html`<ul id="errors">${view.errors.map((e) => html`<li><a href="/admin/errors/${e.id}"><code>${e.id}</code></a> ${localTime(e.createdAt, "")}</li>`)}</ul>`
  }
</section>
</div>
<section class="card-box">
  <h2>${t(lang, "export")}</h2>
  <ul class="exports">
    <li><a href="/admin/export/battles.jsonl" download>${t(lang, "exportBattles")}</a></li>
    <li><a href="/admin/export/sessions.jsonl" download>${t(lang, "exportSessions")}</a></li>
  </ul>
</section>`,
  );
}
