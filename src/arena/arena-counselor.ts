import { sha256 } from "../core/hash.js";
import type { Language } from "../core/language.js";
import type { PromptRef } from "../core/dialogue.js";
import type { ChatModel, SamplingParams } from "../llm/chat-model.js";
import { loadTemplate, promptRef, type TemplateOptions } from "../prompts/template.js";
import type { CounselorEntry, TranscriptFormat } from "./counselor-registry.js";

/** A counselor ready to play: its model and how it is prompted. */
export interface ArenaCounselor {
  name: string;
  model: ChatModel;
  /** The system prompt per session language, with its reference for the dialogue's meta; undefined for none. */
  systemPrompt: (language: Language) => { text: string; ref: PromptRef } | undefined;
  sampling?: SamplingParams;
  transcript?: TranscriptFormat;
}

/** A registry entry's system prompt per session language (none, its own file, or Figure 9's template). */
export function counselorSystemPrompt(
  entry: CounselorEntry,
  templates: TemplateOptions = {},
): ArenaCounselor["systemPrompt"] {
  const prompt = entry.systemPrompt;
  return (language) => {
    if (prompt.kind === "none") return undefined;
    if (prompt.kind === "file")
      return { text: prompt.text, ref: { id: `file@${prompt.path}`, sha256: sha256(prompt.text) } };
    const template = loadTemplate("counselor", language, templates);
    return { text: template.text, ref: promptRef(template) };
  };
}

/** Binds a registry entry to its resolved model; the three-stage prompt is the simulation's Figure 9 template. */
export function arenaCounselor(
  entry: CounselorEntry,
  model: ChatModel,
  templates: TemplateOptions = {},
): ArenaCounselor {
  return {
    name: entry.name,
    model,
    systemPrompt: counselorSystemPrompt(entry, templates),
    ...(Object.keys(entry.sampling).length > 0 ? { sampling: entry.sampling } : {}),
    ...(entry.transcript ? { transcript: entry.transcript } : {}),
  };
}
