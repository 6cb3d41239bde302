import { html } from "hono/html";
import type { Battle } from "../../core/battle.js";
import type { Turn } from "../../core/dialogue.js";
import type { RoleCard } from "../../core/role-card.js";
import type { ArenaSession, Assignment, CandidateReply } from "../annotation-store.js";
import { counselorTurnCount, sideShownAs } from "../arena-sessions.js";
import { t, type MessageKey, type UiLanguage } from "./i18n.js";
import { csrfField, layout, type Markup, type PageContext } from "./layout.js";
import { roleCardDetails } from "./role-card-view.js";

export interface SessionView {
  session: ArenaSession;
  assignment: Assignment;
  card: RoleCard;
  maxTurns: number;
  /** This session's votes by index in `dialogue.turns`, for the reveal. */
  battles: Map<number, Battle>;
}

function bubble(turn: Turn, lang: UiLanguage, index: number): Markup {
  const who = turn.role === "client" ? t(lang, "clientSays") : t(lang, "counselorSays");
  return html`<div class="turn ${turn.role}" id="turn-${index}"><span class="who">${who}</span><p>${turn.content}</p></div>`;
}

function pickLabel(lang: UiLanguage, battle: Battle): string {
  const order = battle.order ?? "ab";
  if (battle.winner === "tie") return t(lang, "tie");
  if (battle.winner === "both_bad") return t(lang, "bothBad");
  if (battle.winner === null) return t(lang, "none");
  return sideShownAs("A", order) === battle.winner ? "A" : "B";
}

/** After the end: every counselor turn with both candidates, where each sat on screen, and which model wrote it. */
function reveal(view: SessionView, lang: UiLanguage): Markup {
  const { dialogue } = view.session;
  const endedKey = `ended_${dialogue.ended_by ?? "error"}` as MessageKey;
  return html`<section class="reveal">
  <h2>${t(lang, "sessionEnded")}</h2>
  <p>${t(lang, "endedBy")}: ${t(lang, endedKey, { phrase: dialogue.termination_phrase ?? "" })}</p>
  <h3>${t(lang, "reveal")}</h3>
  <div class="transcript" lang="${dialogue.language === "zh" ? "zh-CN" : "en"}">
  ${dialogue.turns.map((turn, i) => {
    const battle = view.battles.get(i);
    if (turn.role === "client" || !turn.candidates || !battle) return bubble(turn, lang, i);
    const order = battle.order ?? "ab";
    const shown = (["A", "B"] as const).map((label) => {
      const side = sideShownAs(label, order);
      const candidate = turn.candidates![side === "a" ? 0 : 1]!;
      return { label, candidate, chosen: candidate.speaker === turn.speaker };
    });
    return html`<div class="revealed-turn" id="turn-${i}">
      <p class="pick">${t(lang, "yourPick", { pick: pickLabel(lang, battle) })}</p>
      <div class="pair">
      ${shown.map(
        (s) => html`<div class="candidate ${s.chosen ? "chosen" : ""}">
        <span class="label">${s.label}</span> <strong class="model">${s.candidate.speaker}</strong>${s.chosen ? html` <span class="badge done">${t(lang, "chosen")}</span>` : ""}
        <p>${s.candidate.content}</p></div>`,
      )}
      </div></div>`;
  })}
  </div>
  <p><a class="button" href="/">${t(lang, "backToList")}</a></p>
</section>`;
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

/** What the annotator acts on now: a vote, a retry after a failure, or (client mode) their next line. */
function actionPanel(view: SessionView, page: PageContext): Markup {
  const { lang } = page;
  const { session, assignment } = view;
  const base = `/sessions/${session.id}`;
  if (session.error) {
    return html`<div class="panel error-panel" role="alert">
  <p><strong>${t(lang, "modelFailed")}</strong> ${session.error}</p>
  <p>${t(lang, "nothingLost")}</p>
  <form method="post" action="${base}/retry" class="inline">${csrfField(page)}<button type="submit" class="primary" data-busy>${t(lang, "retry")}</button></form>
</div>`;
  }
  const last = session.dialogue.turns.at(-1);
  if (assignment.mode === "client" && last?.role === "counselor") {
    return html`<form method="post" action="${base}/say" class="panel say-panel">
  ${csrfField(page)}
  <label for="say-text">${t(lang, "youAsClient")}</label>
  <textarea id="say-text" name="text" rows="2" required autofocus></textarea>
  <div class="buttons"><button type="submit" class="primary" data-busy>${t(lang, "send")}</button>
  <button type="submit" formaction="${base}/leave" formnovalidate>${t(lang, "endSession")}</button></div>
</form>`;
  }
  const pending = session.pending!;
  const a = pending.candidates[sideShownAs("A", pending.order)];
  const b = pending.candidates[sideShownAs("B", pending.order)];
  if (!a || !b) {
    return html`<div class="panel"><p>${t(lang, "notReady")}</p>
  <form method="post" action="${base}/retry" class="inline" data-auto-submit>${csrfField(page)}<button type="submit" class="primary" data-busy>${t(lang, "continue")}</button></form></div>`;
  }
  return html`<form method="post" action="${base}/vote" class="panel vote-panel" data-vote-form>
  ${csrfField(page)}
  <input type="hidden" name="turn" value="${pending.turn}">
  <p class="prompt">${t(lang, "pickPrompt")}</p>
  <div class="pair" lang="${session.dialogue.language === "zh" ? "zh-CN" : "en"}">${candidateBox(lang, "A", a)}${candidateBox(lang, "B", b)}</div>
  <div class="buttons vote-buttons">
    <button type="submit" name="pick" value="A" data-key="a" class="primary"><kbd>A</kbd> ${t(lang, "pickA")}</button>
    <button type="submit" name="pick" value="tie" data-key="t"><kbd>T</kbd> ${t(lang, "tie")}</button>
    <button type="submit" name="pick" value="both_bad" data-key="x"><kbd>X</kbd> ${t(lang, "bothBad")}</button>
    <button type="submit" name="pick" value="B" data-key="b" class="primary"><kbd>B</kbd> ${t(lang, "pickB")}</button>
  </div>
  <p class="muted small">${t(lang, "shortcuts")}</p>
</form>`;
}

export function sessionPage(page: PageContext, view: SessionView): Markup {
  const { lang } = page;
  const { session, assignment, card, maxTurns } = view;
  const { dialogue } = session;
  const finished = session.status !== "active";
  const round = Math.min(counselorTurnCount(dialogue.turns) + (finished ? 0 : 1), maxTurns);
  const title = t(lang, assignment.mode === "arena" ? "modeArena" : "modeClient");
  return layout(
    page,
    title,
    html`<div class="session-grid">
<aside class="sidebar">
  <p class="progress-line"><progress max="${maxTurns}" value="${round}"></progress></p>
  <p><strong>${t(lang, "turnOf", { turn: round, max: maxTurns })}</strong></p>
  <p class="muted">${t(lang, "votesSoFar", { n: view.battles.size })}</p>
  <details ${assignment.mode === "client" ? "open" : ""}><summary>${t(lang, "roleCard")}</summary>${roleCardDetails(card)}</details>
  ${
    session.status === "active"
      ? html`<form method="post" action="/sessions/${session.id}/restart" data-confirm="${t(lang, "restartConfirm")}">${csrfField(page)}<button type="submit">${t(lang, "restart")}</button></form>`
      : ""
  }
  <p><a href="/">${t(lang, "backToList")}</a></p>
</aside>
<section class="conversation">
  <h1 class="visually-hidden">${title}</h1>
  ${
    finished
      ? reveal(view, lang)
      : html`<div class="transcript" id="transcript" lang="${dialogue.language === "zh" ? "zh-CN" : "en"}">${dialogue.turns.map((turn, i) => bubble(turn, lang, i))}</div>
  ${actionPanel(view, page)}`
  }
</section>
</div>`,
    { wide: true },
  );
}
