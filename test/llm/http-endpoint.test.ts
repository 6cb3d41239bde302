import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAICompatibleChatModel } from "../../src/llm/providers/openai-compatible.js";
import { createHttpBotChatModel } from "../../src/llm/providers/http-bot.js";
import { ModelCallError } from "../../src/llm/model-call-error.js";
import { PSYSIM_VERSION } from "../../src/core/version.js";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../fixtures/fake-openai-server.js";

const ask = (content: string) => ({
  messages: [{ role: "user" as const, content }],
  sampleKey: "d1/turn-1",
});

/** A bare HTTP server whose handler the test writes; closes every socket on `close`. */
async function rawServer(
  handle: (req: IncomingMessage, res: ServerResponse, connection: number) => void,
): Promise<{ url: string; requests: number; connections: number; close(): Promise<void> }> {
  const state = { requests: 0, connections: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    req.resume();
    req.on("end", () =>
      handle(req, res, (req.socket as unknown as { connectionNumber: number }).connectionNumber),
    );
  });
  server.on("connection", (socket) => {
    (socket as unknown as { connectionNumber: number }).connectionNumber = ++state.connections;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const completion = (content: string) =>
  JSON.stringify({
    choices: [{ message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 2 },
  });

async function failureOf(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ModelCallError, String(error));
  return error;
}

describe("openai-compatible HTTP path", () => {
  let server: FakeOpenAIServer;
  before(async () => {
    server = await startFakeOpenAIServer({ apiKey: "sk-test" });
  });
  after(() => server.close());

  it("sends one JSON POST to <base>/chat/completions with psysim's headers and the exact body", async () => {
    const model = createOpenAICompatibleChatModel({
      id: "m",
      model: "qwen",
      baseUrls: [`${server.url}/`],
      apiKey: "sk-test",
    });
    await model.complete(ask('你好 "quoted"\nline'));
    const request = server.requests.at(-1)!;
    const body = JSON.stringify({
      model: "qwen",
      messages: [{ role: "user", content: '你好 "quoted"\nline' }],
    });
    assert.deepEqual(
      {
        method: request.method,
        path: request.path,
        body: request.body,
        type: request.headers["content-type"],
        accept: request.headers.accept,
        auth: request.headers.authorization,
        agent: request.headers["user-agent"],
        length: request.headers["content-length"],
        connection: request.headers.connection,
      },
      {
        method: "POST",
        path: "/v1/chat/completions",
        body: JSON.parse(body) as unknown,
        type: "application/json",
        accept: "application/json",
        auth: "Bearer sk-test",
        agent: `psysim/${PSYSIM_VERSION}`,
        length: String(Buffer.byteLength(body)),
        connection: "keep-alive",
      },
    );
  });

  it("reuses one kept-alive connection for a session's sequential calls", async () => {
    const fresh = await startFakeOpenAIServer();
    try {
      const model = createOpenAICompatibleChatModel({
        id: "m",
        model: "m",
        baseUrls: [fresh.url],
        apiKey: "k",
      });
      for (let i = 0; i < 5; i++) await model.complete(ask(`q${i}`));
      assert.deepEqual([fresh.requests.length, fresh.connections], [5, 1]);
      // Calls in flight at once each get their own connection, and keep them afterwards.
      await Promise.all([model.complete(ask("a")), model.complete(ask("b"))]);
      await Promise.all([model.complete(ask("c")), model.complete(ask("d"))]);
      assert.deepEqual([fresh.requests.length, fresh.connections], [9, 2]);
    } finally {
      await fresh.close();
    }
  });

  it("sends a call again, once, when the server closed the kept-alive connection as it was reused", async () => {
    const raw = await rawServer((_req, res, connection) => {
      // The first connection answers once, then is closed under the client's second call.
      if (connection === 1 && raw.requests === 2) return res.socket?.destroy();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(completion(`answer ${raw.requests}`));
    });
    try {
      const model = createOpenAICompatibleChatModel({
        id: "m",
        model: "m",
        baseUrls: [raw.url],
        apiKey: "k",
      });
      assert.equal((await model.complete(ask("one"))).content, "answer 1");
      assert.equal((await model.complete(ask("two"))).content, "answer 3");
      assert.deepEqual([raw.requests, raw.connections], [3, 2]);
    } finally {
      await raw.close();
    }
  });

  it("reports bodies that are not a completion as malformed, quoting what came back", async () => {
    const raw = await rawServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(raw.requests === 1 ? "<html>proxy login</html>" : JSON.stringify({ choices: [] }));
    });
    try {
      const model = createOpenAICompatibleChatModel({
        id: "m",
        model: "m",
        baseUrls: [raw.url],
        apiKey: "k",
      });
      const notJson = await failureOf(model.complete(ask("x")));
      const empty = await failureOf(model.complete(ask("x")));
      assert.deepEqual(
        [notJson.kind, notJson.isRetryable, notJson.message, empty.message],
        [
          "malformed",
          true,
          `m at ${raw.url}: malformed response: the body is not JSON: "<html>proxy login</html>"`,
          `m at ${raw.url}: malformed response: no message content in the reply`,
        ],
      );
    } finally {
      await raw.close();
    }
  });

  it("classifies an error status with a non-JSON body, keeping the server's words and its Retry-After", async () => {
    const raw = await rawServer((_req, res) => {
      res.writeHead(502, { "content-type": "text/html", "retry-after": "3" });
      res.end("<html>Bad Gateway</html>\n<p>nginx</p>");
    });
    try {
      const model = createOpenAICompatibleChatModel({
        id: "m",
        model: "m",
        baseUrls: [raw.url],
        apiKey: "k",
      });
      const error = await failureOf(model.complete(ask("x")));
      assert.deepEqual(
        [error.kind, error.status, error.retryAfterMs, error.message],
        ["server", 502, 3000, `m at ${raw.url}: server error: 502 <html>Bad Gateway</html>`],
      );
    } finally {
      await raw.close();
    }
  });

  it("times a streamed reply from its last byte, a plain reply from its start", async () => {
    // Fifteen events 40 ms apart: 600 ms in all, never 300 ms without a byte.
    const raw = await rawServer((req, res) => {
      let sent = 0;
      const streamed = raw.requests % 2 === 1;
      if (streamed) res.writeHead(200, { "content-type": "text/event-stream" });
      const tick = setInterval(() => {
        if (++sent < 15) {
          if (streamed)
            res.write(
              `data: ${JSON.stringify({ choices: [{ delta: { content: `${sent}` } }] })}\n\n`,
            );
          return;
        }
        clearInterval(tick);
        if (!streamed) {
          res.writeHead(200, { "content-type": "application/json" });
          return res.end(completion("late"));
        }
        res.write(
          `data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "stop" }] })}\n\n`,
        );
        res.end("data: [DONE]\n\n");
      }, 40);
      res.on("close", () => clearInterval(tick));
    });
    try {
      const options = { id: "m", model: "m", baseUrls: [raw.url], apiKey: "k", timeoutMs: 300 };
      const streamed = createOpenAICompatibleChatModel({ ...options, stream: true });
      const plain = createOpenAICompatibleChatModel(options);
      assert.deepEqual(await streamed.complete(ask("x")), {
        content: "1234567891011121314",
        usage: { prompt_tokens: 0, completion_tokens: 0, calls: 1, cached_calls: 0, cost_usd: 0 },
        finishReason: "stop",
      });
      assert.equal((await failureOf(plain.complete(ask("x")))).kind, "timeout");
    } finally {
      await raw.close();
    }
  });

  it("stops a call when the caller aborts, as an aborted (not retryable) failure", async () => {
    const slow = await startFakeOpenAIServer({ latencyMs: 5_000 });
    try {
      const model = createOpenAICompatibleChatModel({
        id: "m",
        model: "m",
        baseUrls: [slow.url],
        apiKey: "k",
      });
      const controller = new AbortController();
      const call = model.complete({ ...ask("x"), signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const error = await failureOf(call);
      assert.deepEqual([error.kind, error.isRetryable], ["aborted", false]);
    } finally {
      await slow.close();
    }
  });

  it("posts an http-bot's {messages} to its exact URL, with the key only when one is configured", async () => {
    const bot = await startFakeOpenAIServer({ reply: (_b, ctx) => `${ctx.botName} here` });
    try {
      const keyed = createHttpBotChatModel({
        id: "b",
        url: `${bot.origin}/bot/soulchat?v=2`,
        apiKey: "sk-bot",
      });
      const open = createHttpBotChatModel({ id: "b", url: `${bot.origin}/bot/open` });
      assert.equal((await keyed.complete(ask("x"))).content, "soulchat here");
      assert.equal((await open.complete(ask("y"))).content, "open here");
      assert.deepEqual(
        bot.requests.map((r) => [r.method, r.path, r.headers.authorization, r.body]),
        [
          ["POST", "/bot/soulchat", "Bearer sk-bot", { messages: ask("x").messages }],
          ["POST", "/bot/open", undefined, { messages: ask("y").messages }],
        ],
      );
    } finally {
      await bot.close();
    }
  });
});
