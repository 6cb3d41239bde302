import type { Turn } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import type { GroundingExchange } from "../grounding/exchange.js";
import type { GroundingIndex } from "../grounding/grounding-index.js";
import type { EmbeddingModel } from "../llm/chat-model.js";
import {
  loadTemplate,
  renderTemplate,
  type PromptTemplate,
  type TemplateOptions,
} from "../prompts/template.js";

export const GROUNDING_ROLES = ["counselor", "client", "both"] as const;
export type GroundingRole = (typeof GROUNDING_ROLES)[number];

/** `simulate --grounding`: where style examples come from, how many, and whose prompt they go into. */
export interface GroundingSettings {
  /** Opened once per run and shared by every session. */
  index: GroundingIndex;
  k: number;
  role: GroundingRole;
  /** Embeds each query when the index holds vectors; BM25 alone without it. */
  embedding?: EmbeddingModel;
}

/** How an example shows who spoke, in the session's language. */
export const EXAMPLE_LABELS: Record<Language, { client: string; counselor: string }> = {
  zh: { client: "来访者", counselor: "咨询师" },
  en: { client: "Client", counselor: "Counselor" },
};

/** The `{examples}` of a grounding template: numbered exchanges, a blank line between them. */
export function groundingExamples(
  exchanges: readonly Pick<GroundingExchange, "client" | "counselor">[],
  language: Language,
): string {
  const label = EXAMPLE_LABELS[language];
  const colon = language === "zh" ? "：" : ": ";
  const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
  return exchanges
    .map(
      (e, i) =>
        `${i + 1}. ${label.client}${colon}${oneLine(e.client)}\n   ${label.counselor}${colon}${oneLine(e.counselor)}`,
    )
    .join("\n\n");
}

export interface TurnGrounding {
  ids: string[];
  /** The block for the role's system prompt; undefined when nothing was retrieved. */
  block?: string;
}

/**
 * One session's retrieval. The query is the last client utterance and the card's chief
 * complaint; the counselor reply to that utterance and the client's next utterance share
 * the same query, so it runs once per turn. The session's own card is excluded, so a corpus
 * built from the same sessions never hands a session its own lines.
 */
export class SessionGrounding {
  readonly templates: Partial<Record<"counselor" | "client", PromptTemplate>>;
  private readonly settings: GroundingSettings;
  private readonly card: RoleCard;
  private readonly language: Language;
  private last: { utterance: number; result: Promise<GroundingExchange[]> } | undefined;

  constructor(
    settings: GroundingSettings,
    card: RoleCard,
    language: Language,
    templates?: TemplateOptions,
  ) {
    this.settings = settings;
    this.card = card;
    this.language = language;
    const load = (role: "counselor" | "client") =>
      loadTemplate(`grounding-${role}`, language, templates);
    this.templates = {
      ...(settings.role !== "client" ? { counselor: load("counselor") } : {}),
      ...(settings.role !== "counselor" ? { client: load("client") } : {}),
    };
  }

  /** The examples for `role`'s next call, or undefined when grounding does not apply to it. */
  async forRole(
    role: "counselor" | "client",
    history: readonly Turn[],
  ): Promise<TurnGrounding | undefined> {
    const template = this.templates[role];
    if (!template) return undefined;
    const exchanges = await this.retrieve(history);
    return {
      ids: exchanges.map((e) => e.id),
      ...(exchanges.length > 0
        ? {
            block: renderTemplate(template, {
              examples: groundingExamples(exchanges, this.language),
            }),
          }
        : {}),
    };
  }

  private retrieve(history: readonly Turn[]): Promise<GroundingExchange[]> {
    const utterance = history.findLastIndex((t) => t.role === "client");
    if (this.last?.utterance !== utterance)
      this.last = { utterance, result: this.search(history[utterance]?.content ?? "") };
    return this.last.result;
  }

  private async search(utterance: string): Promise<GroundingExchange[]> {
    const text = `${utterance}\n${this.card.chief_complaint}`;
    const vector = this.settings.embedding
      ? (await this.settings.embedding.embed([text]))[0]
      : undefined;
    return this.settings.index.search({
      text,
      language: this.language,
      k: this.settings.k,
      exclude: this.card.id,
      ...(vector ? { vector } : {}),
    });
  }
}
