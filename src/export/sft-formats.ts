import type { SftSample } from "./sft-sample.js";

export const SFT_FORMATS = ["llamafactory", "sharegpt", "alpaca", "openai"] as const;
export type SftFormat = (typeof SFT_FORMATS)[number];

/** LLaMA-Factory's sharegpt shape: `conversations` of {from: human|gpt, value}, system in its own column. */
export function toShareGpt(sample: SftSample): Record<string, unknown> {
  return {
    id: sample.id,
    conversations: sample.messages.map((m) => ({
      from: m.role === "user" ? "human" : "gpt",
      value: m.content,
    })),
    ...(sample.system === undefined ? {} : { system: sample.system }),
  };
}

/** LLaMA-Factory's alpaca shape: the last client turn as `instruction`, earlier exchanges as `history` pairs. */
export function toAlpaca(sample: SftSample): Record<string, unknown> {
  const m = sample.messages;
  const history: [string, string][] = [];
  for (let i = 0; i + 1 < m.length - 2; i += 2) history.push([m[i]!.content, m[i + 1]!.content]);
  return {
    id: sample.id,
    instruction: m.at(-2)!.content,
    input: "",
    output: m.at(-1)!.content,
    ...(sample.system === undefined ? {} : { system: sample.system }),
    history,
  };
}

/**
 * OpenAI chat fine-tuning: `{"messages": [...]}` with the system prompt first. OpenAI
 * trains every assistant message unless it says `weight: 0`, so each counselor message
 * states its weight: 1 for the sample's targets, 0 for replies that are only history.
 */
export function toOpenAiChat(sample: SftSample): Record<string, unknown> {
  const targets = new Set(sample.targets);
  return {
    messages: [
      ...(sample.system === undefined ? [] : [{ role: "system", content: sample.system }]),
      ...sample.messages.map((m, i) =>
        m.role === "assistant" ? { ...m, weight: targets.has(i) ? 1 : 0 } : { ...m },
      ),
    ],
  };
}

export function sampleRecord(format: SftFormat, sample: SftSample): Record<string, unknown> {
  switch (format) {
    case "llamafactory":
    case "sharegpt":
      return toShareGpt(sample);
    case "alpaca":
      return toAlpaca(sample);
    case "openai":
      return toOpenAiChat(sample);
  }
}

/**
 * The `dataset_info.json` entry LLaMA-Factory reads to load a file of these records
 * (keys as in LLaMA-Factory's data/README), or undefined for formats it is not meant for.
 */
export function sftDatasetInfo(
  format: SftFormat,
  fileName: string,
  withSystem: boolean,
): Record<string, unknown> | undefined {
  switch (format) {
    case "llamafactory":
    case "sharegpt":
      return {
        file_name: fileName,
        formatting: "sharegpt",
        columns: { messages: "conversations", ...(withSystem ? { system: "system" } : {}) },
        tags: { role_tag: "from", content_tag: "value", user_tag: "human", assistant_tag: "gpt" },
      };
    case "alpaca":
      return {
        file_name: fileName,
        formatting: "alpaca",
        columns: {
          prompt: "instruction",
          query: "input",
          response: "output",
          history: "history",
          ...(withSystem ? { system: "system" } : {}),
        },
      };
    case "openai":
      return undefined;
  }
}
