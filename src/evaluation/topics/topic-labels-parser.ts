import type { Topic } from "./smile-topics.js";
import { normaliseTopicName } from "./topic-list.js";

export interface TopicLabels {
  /** Ids of the listed topics the judge named, in answer order, without repeats. */
  topics: number[];
  /** Labels the judge made up (normalised), kept apart: they count only toward the unlimited entropy. */
  invented: string[];
}

export type TopicLabelsParse = { labels: TopicLabels } | { error: string };

function jsonValue(answer: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(answer);
  const body = (fenced ? fenced[1]! : answer).trim();
  const starts = [body.indexOf("{"), body.indexOf("[")].filter((i) => i >= 0);
  if (starts.length === 0) return undefined;
  const start = Math.min(...starts);
  const end = body[start] === "{" ? body.lastIndexOf("}") : body.lastIndexOf("]");
  if (end < start) return undefined;
  try {
    return JSON.parse(body.slice(start, end + 1)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Reads the judge's topics strictly: `{"topics": [...]}` or a bare JSON array of names or
 * list numbers. Names match the list in either language (case, numbering and slash spacing
 * aside); anything else is an invented label. No JSON, an empty list or an unknown number
 * is an error, so the call is asked again rather than guessed.
 */
export function parseTopicLabels(answer: string, topics: readonly Topic[]): TopicLabelsParse {
  const value = jsonValue(answer);
  const list = Array.isArray(value)
    ? value
    : typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)["topics"]
      : undefined;
  if (value === undefined) return { error: "no JSON in the answer" };
  if (!Array.isArray(list)) return { error: 'expected {"topics": [...]}' };
  const byName = new Map<string, number>();
  for (const t of topics) {
    byName.set(normaliseTopicName(t.en), t.id);
    byName.set(normaliseTopicName(t.zh), t.id);
  }
  const ids = new Set(topics.map((t) => t.id));
  const found: number[] = [];
  const invented: string[] = [];
  for (const entry of list) {
    if (typeof entry === "number") {
      if (!ids.has(entry)) return { error: `topic number ${entry} is not on the list` };
      if (!found.includes(entry)) found.push(entry);
    } else if (typeof entry === "string") {
      const name = normaliseTopicName(entry);
      if (name === "") continue;
      const id = byName.get(name);
      if (id !== undefined) {
        if (!found.includes(id)) found.push(id);
      } else if (!invented.includes(name)) invented.push(name);
    } else {
      return { error: "topics must be names or list numbers" };
    }
  }
  if (found.length === 0 && invented.length === 0) return { error: "no topics named" };
  return { labels: { topics: found, invented } };
}
