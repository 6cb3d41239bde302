// Independent readers for the formats psysim exports, written from each consumer's own
// rules, not from psysim's writers. They throw on anything the trainer would reject or
// silently skip, and return the conversations as the trainer would see them, with which
// counselor replies it trains.
//
// LLaMA-Factory 0.9.6.dev0, repository hiyouga/LlamaFactory (read 2026-12-02):
//   - src/llamafactory/data/converter.py @ f816ae46 (SharegptDatasetConverter: user/observation
//     tags at even positions, assistant/function at odd ones, an even count for SFT and an odd
//     one for ranking data, else "Skipping this abnormal example"; AlpacaDatasetConverter:
//     history pairs, then prompt and query joined by "\n", then response);
//   - src/llamafactory/data/processor/supervised.py @ 08e8fbf2 (every response of a multi-turn
//     example is a label unless `mask_history`, which keeps only the last turn's);
//   - src/llamafactory/hparams/data_args.py (`mask_history` defaults to false; `default_system`
//     overrides the template's default system message);
//   - src/llamafactory/data/template.py @ 007303c0 (`system = system or self.default_system`:
//     an empty system text becomes the template's default; the registered names);
//   - data/README.md (dataset_info.json keys: file_name, formatting, ranking, columns, tags).
// OpenAI fine-tuning (read 2026-12-02):
//   - chat SFT: one {"messages": [...]} object a line; assistant messages may carry
//     "weight": 0 | 1 and are trained unless it is 0 (OpenAPI FineTuneChatCompletionRequestAssistantMessage);
//   - preference (DPO): {"input": {"messages": [...]}, "preferred_output": [assistant message],
//     "non_preferred_output": [assistant message]} (developers.openai.com/api/docs/guides/
//     direct-preference-optimization; OpenAPI FineTunePreferenceRequestInput).
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

export interface ReadConversation {
  system: string;
  /** user/assistant alternation as the trainer would see it. */
  messages: { role: "user" | "assistant"; content: string }[];
  /** Preference data only. */
  chosen?: string;
  rejected?: string;
}

function jsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l, i) => {
      const v = JSON.parse(l) as unknown;
      if (typeof v !== "object" || v === null || Array.isArray(v))
        throw new Error(`${path}:${i + 1}: not an object`);
      return v as Record<string, unknown>;
    });
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw new Error(`${what} is not a string`);
  return v;
}

/**
 * Loads one dataset the way LLaMA-Factory would: the entry in dataset_info.json names the
 * file, the formatting, the columns and the tags; every record must use exactly those keys.
 */
export function readLlamaFactoryDataset(dir: string, datasetName: string): ReadConversation[] {
  const info = JSON.parse(readFileSync(join(dir, "dataset_info.json"), "utf8")) as Record<
    string,
    Record<string, unknown>
  >;
  const entry = info[datasetName];
  if (!entry) throw new Error(`dataset_info.json has no entry ${datasetName}`);
  const file = join(dir, str(entry.file_name, "file_name"));
  if (!existsSync(file)) throw new Error(`${file} named by dataset_info.json does not exist`);
  const formatting = (entry.formatting as string | undefined) ?? "alpaca";
  const ranking = entry.ranking === true;
  const columns = (entry.columns ?? {}) as Record<string, string>;
  const records = jsonl(file);
  if (formatting === "alpaca") {
    const c: Record<string, string> = {
      prompt: "instruction",
      query: "input",
      response: "output",
      ...columns,
    };
    return records.map((r, i) => {
      const where = `${file}:${i + 1}`;
      const messages: ReadConversation["messages"] = [];
      if (c.history) {
        const history = r[c.history];
        if (!Array.isArray(history))
          throw new Error(`${where}: history column "${c.history}" is not a list`);
        for (const pair of history) {
          if (!Array.isArray(pair) || pair.length !== 2)
            throw new Error(`${where}: history item is not a [prompt, response] pair`);
          messages.push(
            { role: "user", content: str(pair[0], where) },
            { role: "assistant", content: str(pair[1], where) },
          );
        }
      }
      const query = [r[c.prompt ?? "instruction"], c.query ? r[c.query] : ""]
        .filter((x) => typeof x === "string" && x !== "")
        .join("\n");
      if (query === "") throw new Error(`${where}: empty prompt`);
      messages.push(
        { role: "user", content: query },
        {
          role: "assistant",
          content: str(r[c.response ?? "output"], `${where} response column "${c.response}"`),
        },
      );
      return { system: c.system ? str(r[c.system], `${where} system`) : "", messages };
    });
  }
  if (formatting !== "sharegpt") throw new Error(`unknown formatting ${formatting}`);
  const tags = {
    role_tag: "from",
    content_tag: "value",
    user_tag: "human",
    assistant_tag: "gpt",
    ...((entry.tags ?? {}) as Record<string, string>),
  };
  const messagesColumn = columns.messages ?? "conversations";
  return records.map((r, i) => {
    const where = `${file}:${i + 1}`;
    const raw = r[messagesColumn];
    if (!Array.isArray(raw))
      throw new Error(`${where}: messages column "${messagesColumn}" is not a list`);
    const messages = raw.map((m: Record<string, unknown>, k) => {
      const role = m[tags.role_tag];
      const expected = k % 2 === 0 ? tags.user_tag : tags.assistant_tag;
      if (role !== expected)
        throw new Error(
          `${where}: message ${k} has ${tags.role_tag}=${String(role)}, expected ${expected}`,
        );
      return {
        role: (k % 2 === 0 ? "user" : "assistant") as "user" | "assistant",
        content: str(m[tags.content_tag], `${where} message ${k} ${tags.content_tag}`),
      };
    });
    if (!ranking && messages.length % 2 !== 0)
      throw new Error(`${where}: odd message count; would be skipped as abnormal`);
    if (ranking && messages.length % 2 !== 1)
      throw new Error(`${where}: preference history must end on the user`);
    const out: ReadConversation = {
      system: columns.system
        ? str(r[columns.system], `${where} system column "${columns.system}"`)
        : "",
      messages,
    };
    if (ranking) {
      for (const side of ["chosen", "rejected"] as const) {
        const m = r[columns[side] ?? side] as Record<string, unknown> | undefined;
        if (typeof m !== "object" || m === null || m[tags.role_tag] !== tags.assistant_tag)
          throw new Error(`${where}: ${side} must be an assistant message object`);
        out[side] = str(m[tags.content_tag], `${where} ${side}`);
      }
    }
    return out;
  });
}

/** Default system texts of the templates these tests train with (template.py @ 007303c0). */
const TEMPLATE_DEFAULT_SYSTEM: Record<string, string> = {
  qwen: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
  deepseek: "",
};

/** A conversation as LLaMA-Factory trains it: the system text it really uses and the replies that are labels. */
export interface LlamaFactoryTraining extends ReadConversation {
  trained: string[];
}

/**
 * Applies a training YAML's data arguments to a dataset: the system text after the
 * template's default fills an empty one (unless `default_system` overrides it), and the
 * assistant replies that are labels (`mask_history` true: the last; false: all).
 */
export function llamaFactoryTraining(
  dir: string,
  datasetName: string,
  yamlFile: string,
  template?: string,
): LlamaFactoryTraining[] {
  const args = parseYaml(readFileSync(yamlFile, "utf8")) as Record<string, unknown>;
  const mask = args.mask_history === undefined ? false : args.mask_history;
  if (typeof mask !== "boolean") throw new Error(`${yamlFile}: mask_history is not a boolean`);
  const name = template ?? (args.template as string | undefined);
  const defaultSystem =
    typeof args.default_system === "string"
      ? args.default_system
      : name === undefined
        ? ""
        : TEMPLATE_DEFAULT_SYSTEM[name];
  if (defaultSystem === undefined) throw new Error(`no default system known for ${name}`);
  return readLlamaFactoryDataset(dir, datasetName).map((c) => {
    const replies = c.messages.filter((m) => m.role === "assistant").map((m) => m.content);
    return {
      ...c,
      system: c.system || defaultSystem,
      trained: mask ? replies.slice(-1) : replies,
    };
  });
}

/** OpenAI chat fine-tuning JSONL: one `messages` list a line, system first if any, user/assistant alternating, ending on the assistant. */
export function readOpenAiChat(
  path: string,
): (ReadConversation & { trained: number[]; trainedReplies: string[] })[] {
  return jsonl(path).map((r, i) => {
    const where = `${path}:${i + 1}`;
    if (Object.keys(r).join() !== "messages")
      throw new Error(`${where}: unexpected top-level keys ${Object.keys(r).join()}`);
    const list = r.messages as Record<string, unknown>[];
    let system = "";
    let start = 0;
    if (list[0]?.role === "system") {
      system = str(list[0].content, where);
      start = 1;
    }
    const messages: ReadConversation["messages"] = [];
    const trained: number[] = [];
    list.slice(start).forEach((m, k) => {
      const expected = k % 2 === 0 ? "user" : "assistant";
      if (m.role !== expected)
        throw new Error(
          `${where}: message ${k + start} is ${String(m.role)}, expected ${expected}`,
        );
      if ("weight" in m && (m.role !== "assistant" || (m.weight !== 0 && m.weight !== 1)))
        throw new Error(`${where}: weight must be 0 or 1 and only on assistant messages`);
      // Without a weight an assistant message is trained.
      if (m.role === "assistant" && m.weight !== 0) trained.push(messages.length);
      messages.push({ role: expected, content: str(m.content, where) });
    });
    if (messages.at(-1)?.role !== "assistant")
      throw new Error(`${where}: does not end on an assistant message`);
    return { system, messages, trained, trainedReplies: trained.map((k) => messages[k]!.content) };
  });
}

/** OpenAI preference (DPO) JSONL: input messages ending on the user, one assistant message on each side. */
export function readOpenAiPreference(path: string): ReadConversation[] {
  return jsonl(path).map((r, i) => {
    const where = `${path}:${i + 1}`;
    const keys = Object.keys(r).sort().join();
    if (keys !== "input,non_preferred_output,preferred_output")
      throw new Error(`${where}: unexpected top-level keys ${keys}`);
    const input = r.input as Record<string, unknown>;
    if (typeof input !== "object" || input === null || !Array.isArray(input.messages))
      throw new Error(`${where}: input.messages is not a list`);
    const list = input.messages as Record<string, unknown>[];
    let system = "";
    let start = 0;
    if (list[0]?.role === "system") {
      system = str(list[0].content, where);
      start = 1;
    }
    const messages = list.slice(start).map((m, k) => {
      const expected = k % 2 === 0 ? "user" : "assistant";
      if (m.role !== expected || "weight" in m)
        throw new Error(
          `${where}: input message ${k + start} is ${String(m.role)}, expected ${expected}`,
        );
      return { role: expected as "user" | "assistant", content: str(m.content, where) };
    });
    if (messages.at(-1)?.role !== "user")
      throw new Error(`${where}: input must end on the user message to answer`);
    const side = (key: string) => {
      const out = r[key];
      if (!Array.isArray(out) || out.length !== 1 || out[0]?.role !== "assistant")
        throw new Error(`${where}: ${key} must hold exactly one assistant message`);
      const content = str(out[0].content, `${where} ${key}`);
      if (content.trim() === "") throw new Error(`${where}: ${key} is empty`);
      return content;
    };
    const chosen = side("preferred_output");
    const rejected = side("non_preferred_output");
    if (chosen === rejected) throw new Error(`${where}: both outputs are the same`);
    return { system, messages, chosen, rejected };
  });
}
