import type { Turn } from "../core/dialogue.js";
import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
import { emptyUsage, type Usage } from "../core/usage.js";
import type { ChatModel, SamplingParams } from "../llm/chat-model.js";
import {
  loadTemplate,
  promptRef,
  renderTemplate,
  type PromptTemplate,
  type TemplateOptions,
} from "../prompts/template.js";
import type { PromptRef } from "../core/dialogue.js";
import { callAgentModel, type CallContext } from "./agent-call.js";

/**
 * What session k+1 starts from: an LLM-written summary of sessions 1..k, kept twice, because
 * the two sides remember differently — the counselor's case note (written by the counselor
 * model) and the client's own recollection (written by the client model). Each is rewritten
 * after every session from the one before and that session's transcript.
 */
export interface SessionMemory {
  /** The sessions the memory covers: 1..of_sessions. */
  of_sessions: number;
  counselor_note: string;
  client_recollection: string;
  /** Which model wrote each side, and from which template (`memory-counselor`, `memory-client`). */
  written_by: { counselor_note: string; client_recollection: string };
  prompts: { counselor_note: PromptRef; client_recollection: PromptRef };
  /** Present when a side was written by the rule-based baseline, not an LLM. */
  baseline?: true;
}

const NO_MEMORY: Record<Language, string> = {
  zh: "（没有，这是第一次咨询。）",
  en: "(None: this was the first session.)",
};

const SPEAKER: Record<Language, Record<Turn["role"], string>> = {
  zh: { client: "来访者", counselor: "咨询师" },
  en: { client: "Client", counselor: "Counselor" },
};

function transcriptOf(turns: readonly Turn[], language: Language): string {
  return turns.map((t) => `${SPEAKER[language][t.role]}: ${t.content}`).join("\n");
}

export interface MemoryWriters {
  counselor: ChatModel;
  client: ChatModel;
}

/**
 * Writes the memory of sessions 1..k from the memory of 1..k−1 and session k's turns. The calls
 * belong to session k+1 (`context`) at turn 0, so their sample keys never collide with a turn's
 * and a rerun replays them from the cache.
 */
export async function writeSessionMemory(
  models: MemoryWriters,
  input: {
    language: Language;
    sessionIndex: number;
    previous: SessionMemory | undefined;
    turns: readonly Turn[];
    templates?: TemplateOptions;
    sampling?: { counselor?: SamplingParams; client?: SamplingParams };
  },
  context: CallContext,
  onUsage: (role: string, usage: Usage) => void,
): Promise<SessionMemory> {
  const { language, sessionIndex, previous, turns } = input;
  const transcript = transcriptOf(turns, language);
  const side = async (
    perspective: "counselor" | "client",
    template: PromptTemplate,
    before: string | undefined,
  ): Promise<string> => {
    const model = models[perspective];
    const content = renderTemplate(template, {
      session_index: String(sessionIndex),
      previous_memory: before ?? NO_MEMORY[language],
      transcript,
    });
    const usage = emptyUsage();
    const speaker = perspective === "counselor" ? "counselor-note" : "client-recollection";
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const text = (
          await callAgentModel(
            model,
            {
              messages: [{ role: "user", content }],
              task: {
                kind: "memory",
                language,
                detail: {
                  perspective,
                  session_index: sessionIndex,
                  previous: before ?? "",
                  turns: turns.map((t) => ({ role: t.role, content: t.content })),
                },
              },
            },
            context,
            speaker,
            attempt,
            input.sampling?.[perspective] ?? {},
            usage,
          )
        ).trim();
        if (text !== "") return text;
      }
    } finally {
      onUsage(speaker, usage);
    }
    throw new PsysimError(
      "MODEL_CALL_FAILED",
      `${model.id}: the ${speaker} of sessions 1..${sessionIndex} came back empty 3 times (dialogue ${context.dialogueId})`,
    );
  };
  const noteTemplate = loadTemplate("memory-counselor", language, input.templates);
  const recollectionTemplate = loadTemplate("memory-client", language, input.templates);
  const [note, recollection] = await Promise.all([
    side("counselor", noteTemplate, previous?.counselor_note),
    side("client", recollectionTemplate, previous?.client_recollection),
  ]);
  return {
    of_sessions: sessionIndex,
    counselor_note: note,
    client_recollection: recollection,
    written_by: { counselor_note: models.counselor.id, client_recollection: models.client.id },
    prompts: {
      counselor_note: promptRef(noteTemplate),
      client_recollection: promptRef(recollectionTemplate),
    },
    ...(models.counselor.isBaseline || models.client.isBaseline ? { baseline: true as const } : {}),
  };
}

/** The block a follow-up template adds after the agent's own prompt, and its template's ref. */
export function followupPrompt(
  role: "counselor" | "client",
  language: Language,
  sessionIndex: number,
  memory: SessionMemory,
  templates: TemplateOptions | undefined,
): { text: string; ref: PromptRef } {
  const template = loadTemplate(`followup-${role}`, language, templates);
  return {
    text: renderTemplate(template, {
      session_index: String(sessionIndex),
      memory: role === "counselor" ? memory.counselor_note : memory.client_recollection,
    }),
    ref: promptRef(template),
  };
}
