import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import { PSYSIM_VERSION } from "../../core/version.js";
import {
  ModelCallError,
  classifyHttpStatus,
  describeFailure,
  networkErrorCode,
  parseRetryAfter,
  type ModelFailureKind,
} from "../model-call-error.js";

/** Who is called, for messages: `<model id> at <url>: …`. */
export interface HttpEndpointOptions {
  /** The model spec as the user wrote it. */
  id: string;
  /** The URL as the user wrote it (a base URL, or the bot's full URL); named in messages. */
  url: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  /** The environment variable the key came from, named when authentication fails. */
  keyEnv?: string;
  /** How long a request may wait for the server; default 120 000 ms. */
  timeoutMs?: number;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body, decoded as UTF-8. */
  body: string;
}

export interface PostOptions {
  signal?: AbortSignal;
  /**
   * The timeout counts from the last byte received instead of from the start: for
   * server-sent events, where a long reply keeps arriving.
   */
  idleTimeout?: boolean;
  /** The body's media type; default JSON (the Files API takes multipart/form-data). */
  contentType?: string;
}

/**
 * A JSON-over-HTTP endpoint on node:http with its own keep-alive connection pool.
 * psysim's hot path: one model call is one `write` of headers and body on a reused
 * socket and one string read back, with none of the WHATWG fetch and web-streams
 * machinery (Request objects, ReadableStreams, transferables) that cost several times
 * more CPU than the call itself at high concurrency. Failures come back as classified
 * `ModelCallError`s; retrying them is the retry layer's business, not this one's.
 */
export class HttpEndpoint {
  readonly id: string;
  readonly url: string;
  private readonly base: URL;
  private readonly keyEnv: string | undefined;
  private readonly timeoutMs: number;
  private readonly agent: http.Agent;
  private readonly send: typeof http.request;
  /** Every header but the type and length, as `[name, value, …]`: Node then writes them as given. */
  private readonly headers: string[];

  constructor(options: HttpEndpointOptions) {
    this.id = options.id;
    this.url = options.url;
    this.base = new URL(options.url);
    this.keyEnv = options.keyEnv;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    const secure = this.base.protocol === "https:";
    // Sockets stay open between calls (a session's next call reuses one); no cap on how
    // many: the rate limiter's max_concurrency is the only limit.
    this.agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true });
    this.send = secure ? https.request : http.request;
    // Given as an array, headers skip Node's per-call validation and bookkeeping of each
    // name (they are fixed and valid), so Host has to be named here too.
    this.headers = [
      "host",
      this.base.host,
      "accept",
      "application/json",
      "user-agent",
      `psysim/${PSYSIM_VERSION}`,
      ...(options.apiKey ? ["authorization", `Bearer ${options.apiKey}`] : []),
    ];
  }

  /** The path of `sub` under the base URL (`chat/completions` under `…/v1`); "" is the URL itself. */
  pathOf(sub: string): string {
    const path = this.base.pathname.replace(/\/+$/, "");
    return `${sub === "" ? path || "/" : `${path}/${sub}`}${this.base.search}`;
  }

  /**
   * POSTs `payload` (JSON text) and reads the whole reply, whatever its status.
   * Rejects with a `ModelCallError` only when no complete reply arrived: connection
   * refused or reset, timeout, or the caller's abort.
   */
  post(path: string, payload: string, options: PostOptions = {}): Promise<HttpReply> {
    return this.attempt("POST", path, payload, options, true);
  }

  /** GETs `path` (batch status, file content); like `post`, any status comes back as a reply. */
  get(path: string, options: PostOptions = {}): Promise<HttpReply> {
    return this.attempt("GET", path, "", options, true);
  }

  private attempt(
    method: "GET" | "POST",
    path: string,
    payload: string,
    options: PostOptions,
    mayResend: boolean,
  ): Promise<HttpReply> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(this.failure("aborted", "", signal.reason));
    return new Promise<HttpReply>((resolve, reject) => {
      let settled = false;
      let responded = false;
      const finish = (error: ModelCallError | undefined, reply?: HttpReply) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (error) {
          request.destroy();
          reject(error);
        } else resolve(reply!);
      };
      const request = this.send({
        protocol: this.base.protocol,
        hostname: this.base.hostname,
        port: this.base.port,
        path,
        method,
        agent: this.agent,
        headers: [
          ...this.headers,
          "content-type",
          options.contentType ?? "application/json",
          "content-length",
          String(Buffer.byteLength(payload)),
        ],
      });
      const timer = setTimeout(() => finish(this.failure("timeout", "")), this.timeoutMs);
      const onAbort = () => finish(this.failure("aborted", "", signal?.reason));
      signal?.addEventListener("abort", onAbort, { once: true });
      request.on("response", (response) => {
        responded = true;
        response.setEncoding("utf8");
        let body = "";
        response.on("data", (chunk: string) => {
          body += chunk;
          if (options.idleTimeout) timer.refresh();
        });
        response.on("end", () =>
          finish(undefined, { status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        // A reply cut off mid-body: the connection failed, whatever was said so far.
        response.on("error", (error) =>
          finish(this.failure("connection", networkErrorCode(error) ?? "", error)),
        );
      });
      request.on("error", (error) => {
        if (settled) return;
        // A kept-alive socket the server closed just as we reused it: the request never
        // reached the server, so it is sent once more on a fresh connection (Node's advice).
        if (
          mayResend &&
          !responded &&
          request.reusedSocket &&
          networkErrorCode(error) === "ECONNRESET"
        ) {
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          this.attempt(method, path, payload, options, false).then(resolve, reject);
          return;
        }
        finish(this.failure("connection", networkErrorCode(error) ?? error.message, error));
      });
      // Headers and body leave in one write.
      request.end(payload);
    });
  }

  /** A classified failure, with the one-line message `<id> at <url>: <what happened; what to do>`. */
  failure(
    kind: ModelFailureKind,
    detail: string,
    cause?: unknown,
    extra: { status?: number; retryAfterMs?: number } = {},
  ): ModelCallError {
    return new ModelCallError(
      kind,
      `${this.id} at ${this.url}: ${describeFailure(kind, detail, this.keyEnv)}`,
      { url: this.url, ...extra, ...(cause === undefined ? {} : { cause }) },
    );
  }

  /**
   * The failure an error status stands for (429 → rate limit or quota, 401 → auth,
   * 5xx → server, …), with the server's own message and its Retry-After.
   */
  statusFailure(reply: HttpReply): ModelCallError {
    const parsed = parseJson(reply.body);
    const error =
      typeof parsed === "object" && parsed !== null && "error" in parsed
        ? (parsed as { error: unknown }).error
        : parsed;
    const said =
      typeof error === "object" &&
      error !== null &&
      typeof (error as { message?: unknown }).message === "string"
        ? (error as { message: string }).message
        : typeof error === "string"
          ? error
          : reply.body;
    const retryAfterMs = parseRetryAfter({ get: (name) => headerValue(reply.headers, name) });
    return this.failure(
      classifyHttpStatus(reply.status, parsed),
      `${reply.status} ${firstLine(said)}`.trimEnd(),
      undefined,
      {
        status: reply.status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    );
  }

  /** Closes the kept-alive sockets (a long-lived process that drops a model calls this). */
  close(): void {
    this.agent.destroy();
  }
}

/** JSON.parse, or undefined for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function firstLine(text: string): string {
  return (text.split("\n", 1)[0] ?? "").slice(0, 200);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}
