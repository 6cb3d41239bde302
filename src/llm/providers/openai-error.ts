import OpenAI from "openai";
import {
  ModelCallError,
  classifyHttpStatus,
  describeFailure,
  networkErrorCode,
  parseRetryAfter,
  type ModelFailureKind,
} from "../model-call-error.js";

/** Where a call went, for messages: `<model id> at <url>`. */
export interface CallSite {
  id: string;
  url: string;
  /** The environment variable holding the key, named in authentication failures. */
  keyEnv?: string;
}

/** Translates whatever the official SDK threw into a classified `ModelCallError`. */
export function fromOpenAIError(error: unknown, site: CallSite): ModelCallError {
  if (error instanceof ModelCallError) return error;
  let kind: ModelFailureKind;
  let detail = "";
  let status: number | undefined;
  let retryAfterMs: number | undefined;
  if (error instanceof OpenAI.APIUserAbortError) {
    kind = "aborted";
  } else if (error instanceof OpenAI.APIConnectionTimeoutError) {
    kind = "timeout";
  } else if (error instanceof OpenAI.APIConnectionError) {
    kind = "connection";
    detail = networkErrorCode(error) ?? "";
  } else if (error instanceof OpenAI.APIError && error.status !== undefined) {
    status = error.status;
    kind = classifyHttpStatus(error.status, error.error);
    detail = `${error.status} ${firstLine(error.message)}`;
    retryAfterMs = parseRetryAfter(error.headers);
  } else if (error instanceof OpenAI.APIError || error instanceof SyntaxError) {
    // The SDK reports a stream cut mid-event or a truncated JSON body this way.
    kind = "malformed";
    detail = firstLine(error.message);
  } else {
    kind = "connection";
    detail = networkErrorCode(error) ?? firstLine(String(error));
  }
  const message = `${site.id} at ${site.url}: ${describeFailure(kind, detail, site.keyEnv)}`;
  return new ModelCallError(kind, message, {
    url: site.url,
    cause: error,
    ...(status === undefined ? {} : { status }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 200);
}
