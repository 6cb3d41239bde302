// Independent readers for the formats psysim exports, written from the formats' own rules
// (LLaMA-Factory data/README.md and its sharegpt converter; OpenAI's chat fine-tuning
// format), not from psysim's writers. They throw on anything the trainer would reject or
// silently skip, and return the conversations as plain role/content lists.
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

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
    // LLaMA-Factory's rule: user (or observation) at even positions, assistant (or function) at odd ones.
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
    // Non-ranking data must end on the assistant (even count); ranking data ends on the user (odd count).
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

/** OpenAI chat fine-tuning JSONL: one `messages` list a line, system first if any, user/assistant alternating, ending on the assistant. */
export function readOpenAiChat(path: string): (ReadConversation & { trained: number[] })[] {
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
      if (m.role === "assistant" && m.weight !== 0) trained.push(messages.length);
      messages.push({ role: expected, content: str(m.content, where) });
    });
    if (messages.at(-1)?.role !== "assistant")
      throw new Error(`${where}: does not end on an assistant message`);
    return { system, messages, trained };
  });
}
