import { roleCardText } from "../../prompts/role-card-text.js";
import type { ReportBuilder } from "../report-builder.js";
import { escapeHtml } from "../report-page.js";

/** Figure 5: the first card two datasets share, the first turns of one session from each. */
export function sideBySideSection(b: ReportBuilder): void {
  const [first, second] = b.options.inputs.datasets;
  if (!first || !second) return;
  const inSecond = new Map(
    second.dialogues.filter((d) => d.role_card_id).map((d) => [d.role_card_id!, d]),
  );
  const left = first.dialogues.find((d) => d.role_card_id && inSecond.has(d.role_card_id));
  if (!left) return;
  const right = inSecond.get(left.role_card_id!)!;
  const card = b.options.inputs.cards.get(left.role_card_id!);
  const turns = 6;
  const column = (name: string, dialogue: typeof left) =>
    `<section><h4>${escapeHtml(name)} · ${escapeHtml(dialogue.id)}</h4><ol class="dialogue">${dialogue.turns
      .slice(0, turns)
      .map(
        (t) =>
          `<li class="${t.role}"><span class="who">${escapeHtml(t.role === "client" ? b.text.client : b.text.counselor)}</span><span class="text">${escapeHtml(t.content)}</span></li>`,
      )
      .join("")}</ol></section>`;
  b.add(
    "figure-5",
    b.text.fig5,
    `<p class="note">${escapeHtml(b.text.fig5Note)}</p>${
      card
        ? `<h4>${escapeHtml(b.text.card)} ${escapeHtml(left.role_card_id!)}</h4><div class="card-text">${escapeHtml(roleCardText(card))}</div>`
        : ""
    }<div class="pair">${column(first.name, left)}${column(second.name, right)}</div>`,
  );
}
