// psysim annotation platform: keyboard shortcuts, votes without a page reload, a visible
// "generating…" state, no double submits, confirmations. Pages work without this script;
// it only makes them quicker and calmer to use.
"use strict";

const labels = () => ({
  generating: document.body.dataset.generating || "…",
  seconds: document.body.dataset.seconds || "s",
});

/** Counts seconds into `target` until the page changes. */
function ticker(target) {
  const start = Date.now();
  const tick = () => {
    if (!target.isConnected) return clearInterval(timer);
    target.textContent = String(Math.floor((Date.now() - start) / 1000));
  };
  const timer = setInterval(tick, 1000);
  tick();
}

/** While a request works: controls disabled, and a status line with the elapsed seconds. */
function showBusy(container, anchor) {
  container.setAttribute("aria-busy", "true");
  for (const control of container.querySelectorAll("button, input, textarea, select"))
    control.disabled = true;
  const { generating, seconds } = labels();
  const status = document.createElement("p");
  status.className = "generating";
  status.setAttribute("role", "status");
  const count = document.createElement("span");
  count.dataset.elapsed = "";
  status.append(`${generating} `, count, ` ${seconds}`);
  (anchor || container).prepend(status);
  ticker(count);
}

let shownAt = performance.now();

/** Sends a form in the background and swaps in the session page it leads to: no jump to the top. */
async function sendInPlace(form, submitter) {
  const timeField = form.querySelector("[data-time-on-item]");
  if (timeField) timeField.value = String(Math.round(performance.now() - shownAt));
  const body = new URLSearchParams(new FormData(form, submitter));
  const actions = document.getElementById("actions") || form;
  showBusy(actions);
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  } catch {
    // Offline or the server went away: an ordinary submit shows the browser's own error page.
    form.submit();
    return;
  }
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const conversation = doc.getElementById("conversation");
  const sidebar = doc.getElementById("sidebar");
  if (!conversation || !sidebar) {
    // An error page (e.g. a vote that lost a race): show it whole.
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    init();
    return;
  }
  if (response.url && new URL(response.url).pathname !== location.pathname)
    history.replaceState(null, "", new URL(response.url).pathname);
  const keepY = window.scrollY;
  document.getElementById("conversation").replaceWith(document.adoptNode(conversation));
  document.getElementById("sidebar").replaceWith(document.adoptNode(sidebar));
  init();
  // Where the annotator was looking: the new candidates, not the top of the page.
  const next = document.getElementById("actions");
  if (next && keepY > 0) next.scrollIntoView({ block: "start" });
}

/**
 * Start and "next task": the first candidates take as long as two model calls, so the request
 * goes in the background while this page shows the generating state, then the session opens.
 */
async function sendThenOpen(form, submitter) {
  // Read before showBusy: disabled fields (the CSRF token among them) are left out of a form's data.
  const body = new URLSearchParams(new FormData(form, submitter));
  showBusy(form);
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    if (response.ok && response.redirected) {
      location.assign(`${new URL(response.url).pathname}#actions`);
      return;
    }
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    init();
  } catch {
    form.submit();
  }
}

function onSubmit(event) {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // A form is sent once: a second click or key press while it is on its way does nothing.
  if (form.dataset.sent === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  if (form.hasAttribute("data-partial") && window.fetch && window.DOMParser) {
    event.preventDefault();
    void sendInPlace(form, event.submitter);
    return;
  }
  if (form.hasAttribute("data-open") && window.fetch) {
    event.preventDefault();
    void sendThenOpen(form, event.submitter);
    return;
  }
  // An ordinary submit (restart, leave): the page stays until the answer, so say so.
  setTimeout(() => showBusy(form), 0);
}

function typingIn(target) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
  const form = document.querySelector("form[data-vote-form]");
  if (!form || form.dataset.sent === "1") return;
  // Digits follow the buttons' order on screen; letters name them (A, T, X, B).
  const button =
    form.querySelector(`button[data-digit="${event.key}"]`) ||
    form.querySelector(`button[data-key="${event.key.toLowerCase()}"]`);
  if (!button) return;
  event.preventDefault();
  button.focus({ preventScroll: true });
  form.requestSubmit(button);
}

function init() {
  shownAt = performance.now();
  const transcript = document.getElementById("transcript");
  if (transcript) transcript.scrollTop = transcript.scrollHeight;

  for (const form of document.querySelectorAll("form")) {
    if (form.dataset.bound) continue;
    form.dataset.bound = "1";
    form.addEventListener("submit", onSubmit);
  }

  // Client mode: Enter sends, Shift+Enter starts a new line (not while an IME is composing).
  for (const area of document.querySelectorAll("textarea[data-enter-sends]")) {
    area.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229)
        return;
      event.preventDefault();
      if (area.value.trim() !== "") area.form.requestSubmit();
    });
  }

  // Candidates still being generated (e.g. after a server restart): show the time, carry on by itself.
  for (const count of document.querySelectorAll("[data-elapsed]")) ticker(count);
  const auto = document.querySelector("form[data-auto-submit]");
  if (auto) setTimeout(() => auto.isConnected && auto.requestSubmit(), 1500);

  for (const input of document.querySelectorAll("input.copy")) {
    input.addEventListener("focus", () => input.select());
  }
  for (const time of document.querySelectorAll("time[data-local]")) {
    const at = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(at.getTime()))
      time.textContent = at.toLocaleString(document.documentElement.lang, {
        dateStyle: "medium",
        timeStyle: "short",
      });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("keydown", onKey);
  init();
});
