import { html } from "hono/html";
import type { ArenaSession, Assignment } from "../annotation-store.js";
import { t } from "./i18n.js";
import { csrfField, layout, type Markup, type PageContext } from "./layout.js";
import { cardLabel } from "./role-card-view.js";
import type { RoleCard } from "../../core/role-card.js";

export interface AssignmentRow {
  assignment: Assignment;
  card: RoleCard | null;
  /** The newest session of this assignment, if any. */
  latest: ArenaSession | null;
  finishedSessions: number;
}

/** The annotator's home: their own assignments only, with overall progress. */
export function assignmentsPage(page: PageContext, rows: AssignmentRow[]): Markup {
  const { lang } = page;
  const done = rows.filter((r) => r.finishedSessions > 0).length;
  return layout(
    page,
    t(lang, "myAssignments"),
    html`<h1>${t(lang, "myAssignments")}</h1>
      ${
        rows.length === 0
          ? html`<p class="muted">${t(lang, "noAssignments")}</p>`
          : html`<div class="progress-line">
                <progress max="${rows.length}" value="${done}"></progress>
                <span>${t(lang, "sessionsDone", { done, total: rows.length })}</span>
              </div>
              <table class="list stack">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>${t(lang, "card")}</th>
                    <th>${t(lang, "mode")}</th>
                    <th>${t(lang, "status")}</th>
                    <th><span class="visually-hidden">${t(lang, "actions")}</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map((row) => {
                    const { assignment, latest } = row;
                    const status =
                      latest?.status === "active"
                        ? "inProgress"
                        : row.finishedSessions > 0
                          ? "done"
                          : "notStarted";
                    return html`<tr>
                      <td>${assignment.id}</td>
                      <td data-label="${t(lang, "card")}">
                        ${row.card ? cardLabel(row.card) : assignment.cardId}
                      </td>
                      <td data-label="${t(lang, "mode")}">
                        ${t(lang, assignment.mode === "arena" ? "modeArena" : "modeClient")}
                      </td>
                      <td data-label="${t(lang, "status")}">
                        <span class="badge ${status}">${t(lang, status)}</span>
                      </td>
                      <td class="actions">
                        ${
                          latest?.status === "active"
                            ? html`<a class="button primary" href="/sessions/${latest.id}"
                                >${t(lang, "resume")}</a
                              >`
                            : row.finishedSessions > 0 && latest
                              ? html`<a class="button" href="/sessions/${latest.id}"
                                  >${t(lang, "view")}</a
                                >`
                              : html`${latest ? html`<a class="button" href="/sessions/${latest.id}">${t(lang, "view")}</a>` : ""}
                                  <form
                                    method="post"
                                    action="/assignments/${assignment.id}/start"
                                    class="inline"
                                    data-open
                                  >
                                    ${csrfField(page)}<button
                                      type="submit"
                                      class="${latest ? "" : "primary"}"
                                    >
                                      ${t(lang, "start")}
                                    </button>
                                  </form>`
                        }
                      </td>
                    </tr>`;
                  })}
                </tbody>
              </table>`
      }`,
  );
}
