import { PsysimError } from "../core/errors.js";

/** Why a model call failed; decides whether retrying can help. */
export type ModelFailureKind =
  | "rate-limit" // 429 without quota exhaustion
  | "server" // 5xx, 408, 409
  | "timeout"
  | "connection" // refused, reset, DNS
  | "malformed" // a body that is not the protocol's shape (truncated JSON, missing fields)
  | "quota" // 429 insufficient_quota: out of credit
  | "auth" // 401, 403
  | "bad-request" // other 4xx
  | "aborted"; // the caller's AbortSignal fired

/** Kinds that no retry and no other session can get past: the account or the key is the problem. */
const FATAL: ReadonlySet<ModelFailureKind> = new Set(["quota", "auth"]);

const RETRYABLE: ReadonlySet<ModelFailureKind> = new Set([
  "rate-limit",
  "server",
  "timeout",
  "connection",
  "malformed",
]);

/** A failed model call, classified so the retry layer can decide without parsing messages. */
export class ModelCallError extends PsysimError {
  readonly kind: ModelFailureKind;
  /** The endpoint called, for the one-line message. */
  readonly url: string;
  readonly status: number | undefined;
  /** How long the server asked us to wait (Retry-After), if it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: ModelFailureKind,
    message: string,
    details: { url: string; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(kind === "quota" ? "QUOTA_EXHAUSTED" : "MODEL_CALL_FAILED", message, {
      cause: details.cause,
      isRetryable: RETRYABLE.has(kind),
      isFatal: FATAL.has(kind),
    });
    this.name = "ModelCallError";
    this.kind = kind;
    this.url = details.url;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Reads `retry-after-ms` (OpenAI's) or `retry-after` (seconds or an HTTP date).
 * `now` is injectable so date-valued headers are testable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get("retry-after-ms") ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Classifies an HTTP error status. `body` is the parsed error body when there is one;
 * quota exhaustion is told apart from a rate limit by OpenAI's `insufficient_quota` code.
 */
export function classifyHttpStatus(status: number, body: unknown): ModelFailureKind {
  if (status === 429) return isQuotaBody(body) ? "quota" : "rate-limit";
  if (status === 401 || status === 403) return "auth";
  if (status === 408 || status === 409 || status >= 500) return "server";
  return "bad-request";
}

function isQuotaBody(body: unknown): boolean {
  const error =
    typeof body === "object" && body !== null && "error" in body
      ? (body as { error: unknown }).error
      : body;
  if (typeof error !== "object" || error === null) return false;
  const { code, type } = error as { code?: unknown; type?: unknown };
  return code === "insufficient_quota" || type === "insufficient_quota";
}

/** The low-level cause of a failed fetch (`ECONNREFUSED`, `ECONNRESET`, …), if Node reported one. */
export function networkErrorCode(error: unknown): string | undefined {
  for (
    let e: unknown = error, depth = 0;
    e && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+|^UND_ERR/.test(code)) return code;
  }
  return undefined;
}

/** A short human phrase for each failure, followed by what to do about it. */
export function describeFailure(kind: ModelFailureKind, detail: string, keyEnv?: string): string {
  switch (kind) {
    case "rate-limit":
      return `rate limited (429)${detail ? `: ${detail}` : ""}; lower max_concurrency or requests_per_minute`;
    case "quota":
      return `quota exhausted (429 insufficient_quota): add credit to the account or use another model`;
    case "server":
      return `server error${detail ? `: ${detail}` : ""}`;
    case "timeout":
      return `no answer within the timeout; raise timeout_ms or check the server`;
    case "connection":
      return `cannot connect${detail ? ` (${detail})` : ""}; is the server running at this address?`;
    case "malformed":
      return `malformed response${detail ? `: ${detail}` : ""}`;
    case "auth":
      return `authentication failed${detail ? ` (${detail})` : ""}; ${keyEnv ? `set ${keyEnv} to a valid key` : "check the server's API key"}`;
    case "bad-request":
      return `request rejected${detail ? `: ${detail}` : ""}`;
    case "aborted":
      return "aborted";
  }
}
