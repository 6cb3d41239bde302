import { InputLineError } from "../../core/errors.js";
import type { ChatResponse } from "../chat-model.js";
import { completionOf, type ChatCompletionBody } from "../providers/openai-compatible.js";

/**
 * One request line of a batch input file, in the format the OpenAI Batch API and vLLM's
 * `run_batch` both read: the usual chat completion body under an id of our choosing.
 */
export interface BatchInputLine {
  custom_id: string;
  method: "POST";
  url: "/v1/chat/completions";
  body: ChatCompletionBody;
}

export function batchInputLine(customId: string, body: ChatCompletionBody): BatchInputLine {
  return { custom_id: customId, method: "POST", url: "/v1/chat/completions", body };
}

/** What came back for one custom_id: the reply, or why there is none (retried in the next wave). */
export type BatchResult = { response: ChatResponse } | { error: string };

/**
 * Reads an output or error file: one JSON object a line, `{custom_id, response: {status_code,
 * body}, error}`, in any order (joined by custom_id, never by position). A line that cannot
 * be read names its file and line instead of being dropped silently.
 */
export function parseBatchResults(text: string, file: string): Map<string, BatchResult> {
  const results = new Map<string, BatchResult>();
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return;
    let line: {
      custom_id?: unknown;
      response?: { status_code?: unknown; body?: unknown } | null;
      error?: { message?: unknown; code?: unknown } | null;
    };
    try {
      line = JSON.parse(raw) as typeof line;
    } catch {
      throw new InputLineError(file, index + 1, "", "not JSON");
    }
    if (typeof line.custom_id !== "string")
      throw new InputLineError(file, index + 1, "custom_id", "missing");
    results.set(line.custom_id, resultOf(line));
  });
  return results;
}

function resultOf(line: {
  response?: { status_code?: unknown; body?: unknown } | null;
  error?: { message?: unknown; code?: unknown } | null;
}): BatchResult {
  if (line.error)
    return { error: `${String(line.error.code ?? "error")}: ${String(line.error.message ?? "")}` };
  // Some runners write the completion itself under `response`, without status and body.
  const bare =
    line.response && line.response.status_code === undefined && "choices" in line.response;
  if (bare) {
    const response = completionOf(line.response, JSON.stringify(line.response));
    return typeof response === "string" ? { error: response } : { response };
  }
  const status = line.response?.status_code;
  if (status !== 200) {
    const said = (line.response?.body as { error?: { message?: unknown } } | undefined)?.error
      ?.message;
    return { error: `status ${String(status)}${said ? `: ${String(said)}` : ""}` };
  }
  const body = line.response?.body;
  const response = completionOf(body, JSON.stringify(body ?? null));
  return typeof response === "string" ? { error: response } : { response };
}
