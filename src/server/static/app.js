// psysim annotation platform: keyboard shortcuts, no double submits, confirmations.
// Pages work without this script; it only makes them quicker to use.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const transcript = document.getElementById("transcript");
  if (transcript) transcript.scrollTop = transcript.scrollHeight;

  // A form is sent once: a second click or key press while it is on its way does nothing.
  for (const form of document.querySelectorAll("form")) {
    form.addEventListener("submit", (event) => {
      const question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        return;
      }
      if (form.dataset.sent === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.setAttribute("aria-busy", "true");
    });
  }

  const voteForm = document.querySelector("form[data-vote-form]");
  if (voteForm) {
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (
        target instanceof HTMLElement &&
        (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
      )
        return;
      const keys = { 1: "a", 2: "b", 3: "t", 4: "x" };
      const key = keys[event.key] || event.key.toLowerCase();
      const button = voteForm.querySelector(`button[data-key="${key}"]`);
      if (!button) return;
      event.preventDefault();
      button.focus();
      voteForm.requestSubmit(button);
    });
  }

  // While candidates are still being generated (e.g. after a server restart), carry on by itself.
  const auto = document.querySelector("form[data-auto-submit]");
  if (auto) setTimeout(() => auto.requestSubmit(), 1500);

  for (const input of document.querySelectorAll("input.copy")) {
    input.addEventListener("focus", () => input.select());
  }
});
