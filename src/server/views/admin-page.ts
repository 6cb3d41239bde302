import { html } from "hono/html";
import type { RoleCard } from "../../core/role-card.js";
import type { AnnotatorProgress, Assignment, User } from "../annotation-store.js";
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
  /** One-off messages from the last action (import counts, a new invitation link, a problem). */
  notice?: { text: string; link?: string; isProblem?: boolean };
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
  <table class="list" id="progress">
    <thead><tr><th>${t(lang, "annotators")}</th><th>${t(lang, "assignments")}</th><th>${t(lang, "finished")}</th><th>${t(lang, "active")}</th><th>${t(lang, "votes")}</th><th>${t(lang, "lastVote")}</th></tr></thead>
    <tbody>${view.progress.map(
      (p) =>
        html`<tr><td>${p.name}</td><td>${p.assignments}</td><td><progress max="${Math.max(p.assignments, 1)}" value="${p.finished}"></progress> ${p.finished}</td><td>${p.active}</td><td>${p.votes}</td><td>${p.lastVoteAt ?? t(lang, "none")}</td></tr>`,
    )}</tbody>
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
    <label>${t(lang, "annotators")}<select name="annotator" required>${view.annotators.map((u) => html`<option value="${u.id}">${u.name}</option>`)}</select></label>
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
  <table class="list" id="assignments">
    <thead><tr><th>#</th><th>${t(lang, "annotators")}</th><th>${t(lang, "card")}</th><th>${t(lang, "counselorA")}</th><th>${t(lang, "counselorB")}</th><th>${t(lang, "mode")}</th></tr></thead>
    <tbody>${view.assignments.map(
      (a) =>
        html`<tr><td>${a.id}</td><td>${a.annotatorName}</td><td><code>${a.cardId}</code></td><td>${a.counselorA}</td><td>${a.counselorB}</td><td>${t(lang, a.mode === "arena" ? "modeArena" : "modeClient")}</td></tr>`,
    )}</tbody>
  </table>
</section>
<section class="card-box">
  <h2>${t(lang, "export")}</h2>
  <ul class="exports">
    <li><a href="/admin/export/battles.jsonl" download>${t(lang, "exportBattles")}</a></li>
    <li><a href="/admin/export/sessions.jsonl" download>${t(lang, "exportSessions")}</a></li>
  </ul>
</section>`,
  );
}
