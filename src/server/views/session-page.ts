import { html } from "hono/html";
import type { Battle } from "../../core/battle.js";
import { counselorTurnCount, type Turn } from "../../core/dialogue.js";
import type { RoleCard } from "../../core/role-card.js";
import { sideShownAs, type CandidateReply } from "../../arena/arena-turn.js";
import type { ArenaSession, Assignment } from "../annotation-store.js";
import type { Guidelines } from "../guidelines.js";
import { t, type MessageKey, type UiLanguage } from "./i18n.js";
import { csrfField, layout, type Markup, type PageContext } from "./layout.js";
import { roleCardDetails } from "./role-card-view.js";

export interface SessionView {
  session: ArenaSession;
  assignment: Assignment;
  card: RoleCard;
  maxTurns: number;
  /** This session's live votes by index in `dialogue.turns`. */
  battles: Map<number, Battle>;
  guidelines: Guidelines;
  /** Open the guidelines: the annotator's first session. */
  firstSession: boolean;
  /** The annotator's next assignment that is not finished, for "next task". */
  nextAssignment: Assignment | null;
  /** Support resources to show when the annotator's own words (client mode) matched the crisis lexicon. */
  support?: Markup | null;
}

const dialogueLang = (view: SessionView) => (view.card.language === "zh" ? "zh-CN" : "en");

function bubble(turn: Turn, lang: UiLanguage, index: number): Markup {
  const who = turn.role === "client" ? t(lang, "clientSays") : t(lang, "counselorSays");
  return html`<div class="turn ${turn.role}" id="turn-${index}">
    <span class="who">${who}</span>
    <p>${turn.content}</p>
  </div>`;
}

function pickLabel(lang: UiLanguage, battle: Battle): string {
  if (battle.annotation?.skip_reason !== undefined) return t(lang, "skipped");
  if (battle.winner === "tie") return t(lang, "tie");
  if (battle.winner === "both_bad") return t(lang, "bothBad");
  if (battle.winner === null) return t(lang, "none");
  return sideShownAs("A", battle.order ?? "ab") === battle.winner ? "A" : "B";
}

/**
 * A decided counselor turn as Figure 15 shows it: both candidates where they sat, the one
 * that continued marked — "your pick" when it was picked, "continued by coin" after a tie,
 * "both bad" or skip. Model names only after the end (`revealed`).
 */
function decidedTurn(
  turn: Turn,
  battle: Battle | undefined,
  lang: UiLanguage,
  index: number,
  revealed: boolean,
): Markup {
  if (turn.role === "client" || !turn.candidates || turn.candidates.length !== 2)
    return bubble(turn, lang, index);
  if (!battle)
    return html`<div class="turn counselor" id="turn-${index}">
      <span class="who">${t(lang, "counselorSays")} · ${t(lang, "identicalReplies")}</span>
      <p>${turn.content}</p>
    </div>`;
  const picked = battle.winner === "a" || battle.winner === "b";
  const order = battle.order ?? "ab";
  const shown = (["A", "B"] as const).map((label) => {
    const side = sideShownAs(label, order);
    const candidate = turn.candidates![side === "a" ? 0 : 1]!;
    return { label, candidate, continued: candidate.speaker === turn.speaker };
  });
  return html`<div class="decided-turn" id="turn-${index}">
    <p class="pick">${t(lang, "yourPick", { pick: pickLabel(lang, battle) })}</p>
    <div class="pair">
      ${shown.map(
        (s) =>
          html`<div class="candidate small-candidate ${s.continued ? "chosen" : ""}">
            <span class="label">${t(lang, "candidate", { label: s.label })}</span>
            ${revealed ? html` <strong class="model">${s.candidate.speaker}</strong>` : ""}
            ${
              s.continued
                ? html` <span class="badge done"
                    >${t(lang, picked ? "chosen" : "continuedByCoin")}</span
                  >`
                : ""
            }
            <p>${s.candidate.content}</p>
          </div>`,
      )}
    </div>
  </div>`;
}

function transcript(view: SessionView, lang: UiLanguage, revealed: boolean): Markup {
  return html`<div class="transcript" id="transcript" lang="${dialogueLang(view)}">
    ${view.session.dialogue.turns.map((turn, i) =>
      decidedTurn(turn, view.battles.get(i), lang, i, revealed),
    )}
  </div>`;
}

/** After the end: how it ended, every turn with the models named, and the way on. */
function reveal(view: SessionView, page: PageContext): Markup {
  const { lang } = page;
  const { dialogue } = view.session;
  const endedKey = `ended_${dialogue.ended_by ?? "restarted"}` as MessageKey;
  return html`<section class="reveal">
    <h2>${t(lang, "sessionEnded")}</h2>
    <p>
      ${t(lang, "endedBy")}: ${t(lang, endedKey, { phrase: dialogue.termination_phrase ?? "" })}
    </p>
    <div class="buttons">
      ${nextTask(view, page)}<a class="button" href="/">${t(lang, "backToList")}</a>
    </div>
    <h3>${t(lang, "reveal")}</h3>
    ${transcript(view, lang, true)}
  </section>`;
}

function nextTask(view: SessionView, page: PageContext): Markup {
  const next = view.nextAssignment;
  if (!next) return html``;
  return html`<form method="post" action="/assignments/${next.id}/start" class="inline" data-open>
    ${csrfField(page)}<button type="submit" class="primary" data-busy>
      ${t(page.lang, "nextTask")}
    </button>
  </form>`;
}

function candidateBox(
  lang: UiLanguage,
  label: "A" | "B",
  reply: CandidateReply | undefined,
): Markup {
  return html`<div class="candidate" id="candidate-${label}">
    <span class="label">${t(lang, "candidate", { label })}</span>
    <p>${reply ? reply.content : t(lang, "waiting")}</p>
  </div>`;
}

/** The optional parts of a vote: a comment and flags, folded so they never hide the buttons. */
function voteExtras(lang: UiLanguage): Markup {
  return html`<details class="vote-extra">
    <summary>${t(lang, "commentAndFlags")}</summary>
    <label for="vote-comment">${t(lang, "comment")}</label>
    <textarea id="vote-comment" name="comment" rows="2" maxlength="2000"></textarea>
    <fieldset class="flags">
      <legend>${t(lang, "flags")}</legend>
      ${(["unsafe", "off_role", "other"] as const).map(
        (flag) =>
          html`<label class="check"
            ><input type="checkbox" name="flag" value="${flag}" />${t(lang, `flag_${flag}`)}</label
          >`,
      )}
    </fieldset>
  </details>`;
}

/** What the annotator acts on now: a vote, a retry after a failure, or (client mode) their next line. */
function actionPanel(view: SessionView, page: PageContext): Markup {
  const { lang } = page;
  const { session, assignment } = view;
  const base = `/sessions/${session.id}`;
  const undo =
    view.battles.size > 0
      ? html`<form method="post" action="${base}/undo" class="inline" data-partial>
          ${csrfField(page)}<button type="submit" class="link">${t(lang, "undo")}</button>
        </form>`
      : "";
  if (session.error) {
    // Neutral on purpose: the model's own message may name it, its URL or its key (blinding).
    return html`<div class="panel error-panel" role="alert" id="actions">
      <p><strong>${t(lang, "modelFailed")}</strong></p>
      <p>${t(lang, "nothingLost")} ${t(lang, "errorId")}: <code>${session.error}</code></p>
      <form method="post" action="${base}/retry" class="inline" data-partial>
        ${csrfField(page)}<button type="submit" class="primary" data-busy>
          ${t(lang, "retry")}
        </button>
      </form>
    </div>`;
  }
  const last = session.dialogue.turns.at(-1);
  if (assignment.mode === "client" && last?.role === "counselor") {
    return html`<div id="actions">
      <form method="post" action="${base}/say" class="panel say-panel" data-partial>
        ${csrfField(page)}
        <label for="say-text">${t(lang, "youAsClient")}</label>
        <textarea id="say-text" name="text" rows="2" required autofocus data-enter-sends></textarea>
        <p class="muted small">${t(lang, "enterSends")}</p>
        <div class="buttons">
          <button type="submit" class="primary" data-busy>${t(lang, "send")}</button>
          ${undo}
        </div>
      </form>
      <form
        method="post"
        action="${base}/leave"
        class="leave-form"
        data-confirm="${t(lang, "endConfirm")}"
      >
        ${csrfField(page)}<button type="submit">${t(lang, "endSession")}</button>
      </form>
    </div>`;
  }
  const pending = session.pending!;
  const a = pending.candidates[sideShownAs("A", pending.order)];
  const b = pending.candidates[sideShownAs("B", pending.order)];
  if (!a || !b) {
    return html`<div class="panel" id="actions" data-generating>
      <p role="status">
        ${t(lang, "generating")} <span data-elapsed>0</span> ${t(lang, "seconds")}
      </p>
      <form method="post" action="${base}/retry" class="inline" data-auto-submit data-partial>
        ${csrfField(page)}<button type="submit" class="primary" data-busy>
          ${t(lang, "continue")}
        </button>
      </form>
    </div>`;
  }
  return html`<div id="actions">
    <form method="post" action="${base}/vote" class="panel vote-panel" data-vote-form data-partial>
      ${csrfField(page)}
      <input type="hidden" name="turn" value="${pending.turn}" />
      <input type="hidden" name="guideline" value="${view.guidelines.version}" />
      <input type="hidden" name="time_ms" value="" data-time-on-item />
      <p class="prompt">${t(lang, "pickPrompt")}</p>
      <div class="pair" lang="${dialogueLang(view)}">
        ${candidateBox(lang, "A", a)}${candidateBox(lang, "B", b)}
      </div>
      ${voteExtras(lang)}
      <div class="vote-buttons">
        <button type="submit" name="pick" value="A" data-key="a" data-digit="1" class="primary">
          <kbd>1</kbd> ${t(lang, "pickA")}
        </button>
        <button type="submit" name="pick" value="tie" data-key="t" data-digit="2">
          <kbd>2</kbd> ${t(lang, "tie")}
        </button>
        <button type="submit" name="pick" value="both_bad" data-key="x" data-digit="3">
          <kbd>3</kbd> ${t(lang, "bothBad")}
        </button>
        <button type="submit" name="pick" value="B" data-key="b" data-digit="4" class="primary">
          <kbd>4</kbd> ${t(lang, "pickB")}
        </button>
      </div>
      <p class="muted small shortcuts">${t(lang, "shortcuts")}</p>
    </form>
    <div class="secondary-actions">
      ${undo}
      <details class="skip">
        <summary>${t(lang, "skip")}</summary>
        <form method="post" action="${base}/skip" data-partial>
          ${csrfField(page)}
          <input type="hidden" name="turn" value="${pending.turn}" />
          <input type="hidden" name="guideline" value="${view.guidelines.version}" />
          <label for="skip-reason">${t(lang, "skipReason")}</label>
          <input id="skip-reason" name="reason" required maxlength="2000" />
          <button type="submit">${t(lang, "skipThis")}</button>
        </form>
      </details>
    </div>
  </div>`;
}

function guidelinesBox(view: SessionView, lang: UiLanguage): Markup {
  return html`<details class="guidelines" ${view.firstSession ? "open" : ""}>
    <summary>${t(lang, "guidelines")}</summary>
    <p class="small muted">
      ${t(lang, view.guidelines.source === "admin" ? "guidelinesAdmin" : "guidelinesFigure13")}
    </p>
    <ol>
      ${view.guidelines.lines.map((line) => html`<li>${line.replace(/^\d+\.\s*/, "")}</li>`)}
    </ol>
  </details>`;
}

export function sessionPage(page: PageContext, view: SessionView): Markup {
  const { lang } = page;
  const { session, assignment, card, maxTurns } = view;
  const { dialogue } = session;
  const finished = session.status !== "active";
  const done = counselorTurnCount(dialogue.turns);
  const round = Math.min(done + 1, maxTurns);
  const title = t(lang, assignment.mode === "arena" ? "modeArena" : "modeClient");
  return layout(
    page,
    title,
    html`<div class="session-grid">
      <aside class="sidebar" id="sidebar">
        <p class="progress-line">
          <progress max="${maxTurns}" value="${finished ? maxTurns : done}"></progress>
        </p>
        <p>
          <strong
            >${
              finished
                ? t(lang, "endedAfter", { turns: done })
                : t(lang, "turnOf", { turn: round, max: maxTurns })
            }</strong
          >
        </p>
        <p class="muted">${t(lang, "votesSoFar", { n: view.battles.size })}</p>
        ${guidelinesBox(view, lang)}
        <details class="role-card-box" open>
          <summary>${t(lang, "roleCard")}</summary>
          ${roleCardDetails(card)}
        </details>
        ${
          session.status === "active"
            ? html`<form
                method="post"
                action="/sessions/${session.id}/restart"
                data-confirm="${t(lang, "restartConfirm")}"
              >
                ${csrfField(page)}<button type="submit">${t(lang, "restart")}</button>
              </form>`
            : ""
        }
        <p><a href="/">${t(lang, "backToList")}</a></p>
      </aside>
      <section class="conversation" id="conversation">
        <h1 class="visually-hidden">${title}</h1>
        ${
          finished
            ? reveal(view, page)
            : html`${transcript(view, lang, false)} ${view.support ?? ""} ${actionPanel(view, page)}`
        }
      </section>
    </div>`,
    { wide: true },
  );
}
