import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { PsysimError } from "../core/errors.js";
import type { Turn } from "../core/dialogue.js";
import { ModelEntrySchema, type ModelEntry } from "../llm/model-config.js";
import type { ChatMessage } from "../llm/chat-model.js";

/**
 * How a model without a chat template reads a session: one flat text such as
 * "用户：你好\n心理咨询师：", ending on the counselor's prefix for the model to continue.
 */
export const TranscriptFormatSchema = z.strictObject({
  client: z.string(),
  counselor: z.string(),
  separator: z.string().default("\n"),
});
export type TranscriptFormat = z.infer<typeof TranscriptFormatSchema>;

/** One counselor in `psysim.yaml`'s `counselors:` section (issue 4; Table 3 for why sampling differs per model). */
export const CounselorEntrySchema = z.strictObject({
  /** A key of `models:`, a model spec string, or an inline model object. */
  model: ModelEntrySchema,
  /** `three-stage` (the paper's Figure 9 prompt, the default), `none`, or a text file's path. */
  system_prompt: z.string().min(1).default("three-stage"),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.number().int().positive().optional(),
  transcript: TranscriptFormatSchema.optional(),
});

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export type CounselorSystemPrompt =
  { kind: "three-stage" } | { kind: "none" } | { kind: "file"; path: string; text: string };

export interface CounselorEntry {
  name: string;
  model: ModelEntry;
  systemPrompt: CounselorSystemPrompt;
  sampling: { temperature?: number; top_p?: number; max_tokens?: number };
  transcript?: TranscriptFormat;
}

/**
 * Reads the `counselors:` section. Problems are reported as `file: counselors.<name>.<field>:
 * reason`; system prompt files are read now (relative to the config file), so a missing
 * one stops the run before anything is paid for.
 */
export function parseCounselorRegistry(
  section: unknown,
  file: string,
  baseDir: string,
): Map<string, CounselorEntry> {
  const registry = new Map<string, CounselorEntry>();
  if (section === undefined || section === null) return registry;
  if (typeof section !== "object" || Array.isArray(section))
    throw new PsysimError(
      "CONFIG_INVALID",
      `${file}: counselors: expected a mapping from counselor name to its settings`,
    );
  for (const [name, raw] of Object.entries(section)) {
    const where = `${file}: counselors.${name}`;
    if (!NAME.test(name))
      throw new PsysimError(
        "CONFIG_INVALID",
        `${where}: a counselor name may use letters, digits, "_", "." and "-" only`,
      );
    const parsed = CounselorEntrySchema.safeParse(typeof raw === "string" ? { model: raw } : raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.map(String).join(".");
      throw new PsysimError(
        "CONFIG_INVALID",
        `${where}${field ? `.${field}` : ""}: ${issue.message}`,
      );
    }
    const entry = parsed.data;
    registry.set(name, {
      name,
      model: entry.model,
      systemPrompt: systemPromptOf(entry.system_prompt, `${where}.system_prompt`, baseDir),
      sampling: {
        ...(entry.temperature !== undefined ? { temperature: entry.temperature } : {}),
        ...(entry.top_p !== undefined ? { top_p: entry.top_p } : {}),
        ...(entry.max_tokens !== undefined ? { max_tokens: entry.max_tokens } : {}),
      },
      ...(entry.transcript ? { transcript: entry.transcript } : {}),
    });
  }
  return registry;
}

function systemPromptOf(value: string, where: string, baseDir: string): CounselorSystemPrompt {
  if (value === "three-stage") return { kind: "three-stage" };
  if (value === "none") return { kind: "none" };
  const path = isAbsolute(value) ? value : resolve(baseDir, value);
  if (!existsSync(path))
    throw new PsysimError(
      "CONFIG_INVALID",
      `${where}: "${value}" is neither three-stage, none, nor a readable file (looked for ${path})`,
    );
  return { kind: "file", path, text: readFileSync(path, "utf8").trim() };
}

/** A counselor named on the command line but not in the registry: its name is its model spec. */
export function adHocCounselor(spec: string): CounselorEntry {
  return { name: spec, model: spec, systemPrompt: { kind: "three-stage" }, sampling: {} };
}

/** The counselor's input as one flat user message, for models without a chat template. */
export function flattenTranscript(
  format: TranscriptFormat,
  history: readonly Turn[],
  systemPrompt: string | undefined,
): ChatMessage[] {
  const lines = history.map(
    (t) => `${t.role === "client" ? format.client : format.counselor}${t.content}`,
  );
  const text = [...(systemPrompt ? [systemPrompt] : []), ...lines, format.counselor].join(
    format.separator,
  );
  return [{ role: "user", content: text }];
}
