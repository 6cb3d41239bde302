import type { Topic } from "./smile-topics.js";
import { normaliseTopicName } from "./topic-list.js";
import { jsonValue } from "../judges/json-answer.js";

export interface TopicLabels {
  /** Ids of the listed topics the judge named, in answer order, without repeats. */
  topics: number[];
  /** Labels the judge made up (normalised), kept apart: they count only toward the unlimited entropy. */
  invented: string[];
  /**
   * Entries that name no topic (an empty string, a number not on the list, an object), as
   * JSON: counted and reported, never silently dropped. Absent in results from before psysim 0.x.
   */
  unreadable?: string[];
}

export type TopicLabelsParse = { labels: TopicLabels } | { error: string };

const LIST_NUMBER = /^\s*#?\s*(\d+)\s*[.、:：)）]?\s*$/u;

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
  const unreadable: string[] = [];
  const listed = (id: number, entry: unknown) => {
    if (!ids.has(id)) unreadable.push(JSON.stringify(entry));
    else if (!found.includes(id)) found.push(id);
  };
  for (const entry of list) {
    // The schema asks for strings, so list numbers often come back as "12" or "#12.".
    const numeric = typeof entry === "string" ? LIST_NUMBER.exec(entry.normalize("NFKC")) : null;
    if (typeof entry === "number") listed(entry, entry);
    else if (numeric) listed(Number(numeric[1]), entry);
    else if (typeof entry === "string") {
      const name = normaliseTopicName(entry);
      const id = byName.get(name);
      if (name === "") unreadable.push(JSON.stringify(entry));
      else if (id !== undefined) {
        if (!found.includes(id)) found.push(id);
      } else if (!invented.includes(name)) invented.push(name);
    } else unreadable.push(JSON.stringify(entry));
  }
  if (found.length === 0 && invented.length === 0)
    return {
      error:
        unreadable.length > 0
          ? `no topic named; unreadable: ${unreadable.join(", ")}`
          : "no topics named",
    };
  return { labels: { topics: found, invented, unreadable } };
}
