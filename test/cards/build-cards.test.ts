import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import {
  buildCards,
  buildCard,
  readPosts,
  CARD_FIELDS_JSON_SCHEMA,
  parseCardFields,
} from "../../src/cards/index.js";
import { cardIdFor, readRoleCards } from "../../src/core/index.js";
import { resolveChatModel } from "../../src/llm/index.js";
import { startFakeOpenAIServer, type FakeChatBody } from "../fixtures/fake-openai-server.js";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";
import { tempDir, writeTemp } from "../helpers.js";
import { runPsysim } from "./run-psysim.js";

const ZH_POST = "20岁女，总是渴望他人认可，总是拖延，怎么办？和妈妈吵架后一直冷战。";
const EN_POST = "I'm 34 and I can't stop worrying about my job since the layoffs started.";
const BROKEN_POST = "我最近睡不着，也不想见人。";

function fields(language: "zh" | "en") {
  const level = language === "zh" ? "中等。帖子中有所体现。" : "Moderate. The post suggests it.";
  return {
    gender: language === "zh" ? "女" : "male",
    age: language === "zh" ? 20 : "34",
    education: language === "zh" ? "本科在读" : "Bachelor's degree",
    occupation: language === "zh" ? "学生" : "accountant",
    marital_status: language === "zh" ? "单身" : "married",
    family_relationships:
      language === "zh" ? "与母亲关系紧张。" : "Close to his wife; distant from his parents.",
    big_five: {
      openness: level,
      conscientiousness: level,
      extraversion: level,
      agreeableness: level,
      neuroticism: level,
    },
    resistance: level,
    resistance_level: "moderate",
  };
}

/** The fake model: answers each post from the prompt it was sent; the zh post's first try is not JSON, the broken post never has big_five. */
function reply(body: FakeChatBody): string {
  const prompt = body.messages.at(-1)!.content;
  if (prompt.includes(BROKEN_POST)) {
    const { big_five: _omit, ...rest } = fields("zh");
    return JSON.stringify(rest);
  }
  if (prompt.includes(ZH_POST)) {
    const earlier = calls.filter((p) => p.includes(ZH_POST)).length;
    calls.push(prompt);
    return earlier === 0
      ? "好的，以下是角色卡：性别女……"
      : "```json\n" + JSON.stringify(fields("zh")) + "\n```";
  }
  return JSON.stringify(fields("en"));
}
let calls: string[] = [];

describe("cards build (paper §3.4) against a fake OpenAI-compatible server", () => {
  it("builds full cards in the post's language with structured output, regenerates invalid output, and reports posts that never validate", async () => {
    calls = [];
    const server = await startFakeOpenAIServer({ reply });
    try {
      const dir = tempDir();
      const file = writeTemp(
        dir,
        "posts.txt",
        `${ZH_POST}\n\n${JSON.stringify(EN_POST)}\n${BROKEN_POST}\n${ZH_POST}\n`,
      );
      const posts = await readPosts(file);
      assert.deepEqual(
        posts.map((p) => p.line),
        [1, 3, 4, 5],
      );
      const model = await resolveChatModel(`openai-compatible:fake-model@${server.url}`);
      const out = join(dir, "cards.jsonl");
      const summary = await buildCards({ file, posts, out, model, concurrency: 2 });
      assert.deepEqual(
        { ...summary, usage: undefined },
        {
          requested: 4,
          built: 2,
          skipped: 0,
          duplicates: 1,
          failed: [
            {
              line: 4,
              message: `${file}:4: post: 3 attempts failed; last: output does not match the role card schema: big_five: Invalid input: expected object, received undefined`,
            },
          ],
          usage: undefined,
        },
      );
      // 2 tries for the zh post, 1 for the en post, 3 for the broken one.
      assert.equal(server.requests.filter((r) => r.path.endsWith("/chat/completions")).length, 6);
      for (const request of server.requests) {
        const body = request.body as FakeChatBody;
        assert.deepEqual(body.response_format, {
          type: "json_schema",
          json_schema: { name: "role_card", schema: CARD_FIELDS_JSON_SCHEMA },
        });
      }
      const cards = await readRoleCards(out);
      const byComplaint = new Map(cards.map((c) => [c.chief_complaint, c]));
      assert.deepEqual(byComplaint.get(ZH_POST), {
        schema: "psysim.rolecard/1",
        id: cardIdFor(ZH_POST),
        language: "zh",
        ...fields("zh"),
        chief_complaint: ZH_POST,
        source: `cards build: ${model.id}`,
      });
      assert.equal(byComplaint.get(EN_POST)!.language, "en");
      assert.match(calls[0]!, /求助帖/);
      const enPrompt = server.requests
        .map((r) => (r.body as FakeChatBody).messages[0]!.content)
        .find((p) => p.includes(EN_POST))!;
      assert.match(enPrompt, /^You are an experienced counselor/);

      // A rerun resumes: posts whose card is already written (the repeated one too) are skipped; only the failed post is tried again.
      const before = server.requests.length;
      const again = await buildCards({ file, posts, out, model });
      assert.deepEqual(
        [again.built, again.skipped, again.failed.length, server.requests.length - before],
        [0, 3, 1, 3],
      );
    } finally {
      await server.close();
    }
  });

  it("stops the whole run when the account is out of quota, keeping the cards already written", async () => {
    const server = await startFakeOpenAIServer({ reply: () => ({ fault: "quota" }) });
    try {
      const dir = tempDir();
      const file = writeTemp(dir, "posts.json", JSON.stringify([EN_POST, ZH_POST]));
      const model = await resolveChatModel(`openai-compatible:fake-model@${server.url}`);
      await assert.rejects(
        buildCards({ file, posts: await readPosts(file), out: join(dir, "cards.jsonl"), model }),
        (error: unknown) => (error as { code?: string }).code === "QUOTA_EXHAUSTED",
      );
      assert.equal(readFileSync(join(dir, "cards.jsonl"), "utf8"), "");
    } finally {
      await server.close();
    }
  });

  it("sends the card-builder task, a fresh sample key per attempt, and never fills a card in itself", async () => {
    const model = new ScriptedChatModel([
      "not json",
      JSON.stringify({ ...fields("en"), age: 0 }),
      JSON.stringify({ ...fields("en"), extra: "x" }),
    ]);
    const result = await buildCard({ text: EN_POST, line: 7 }, model);
    assert.deepEqual(
      { ...result, usage: undefined },
      {
        ok: false,
        reason:
          '3 attempts failed; last: output does not match the role card schema: (root): Unrecognized key: "extra"',
        attempts: 3,
        usage: undefined,
      },
    );
    assert.deepEqual(
      model.calls.map((c) => [c.sampleKey, c.task]),
      [1, 2, 3].map((n) => [
        `card-builder/${cardIdFor(EN_POST)}/attempt-${n}`,
        { kind: "card-builder", language: "en", detail: { post: EN_POST } },
      ]),
    );
    assert.deepEqual(parseCardFields("{}").ok, false);
  });

  it("reads posts from a JSON array and reports non-string elements with their line", async () => {
    const dir = tempDir();
    const bad = writeTemp(dir, "bad.json", `[\n  "a post",\n  42\n]`);
    await assert.rejects(readPosts(bad), new RegExp(`${bad}:3: expected a post as a JSON string`));
  });

  it("runs from the CLI: failures listed as file:line, non-zero exit unless allowed, baseline refused", async () => {
    const server = await startFakeOpenAIServer({
      reply: (body) =>
        body.messages.at(-1)!.content.includes(BROKEN_POST) ? "no" : JSON.stringify(fields("zh")),
    });
    try {
      const dir = tempDir();
      const posts = writeTemp(dir, "posts.txt", `${ZH_POST}\n${BROKEN_POST}\n`);
      const spec = `openai-compatible:fake-model@${server.url}`;
      const [strict, allowed, baseline] = await Promise.all([
        runPsysim([
          "cards",
          "build",
          posts,
          "--model",
          spec,
          "--out",
          join(dir, "a.jsonl"),
          "--no-cache",
          "--max-attempts",
          "2",
        ]),
        runPsysim([
          "cards",
          "build",
          posts,
          "--model",
          spec,
          "--out",
          join(dir, "b.jsonl"),
          "--no-cache",
          "--max-attempts",
          "1",
          "--allow-failures",
        ]),
        runPsysim([
          "cards",
          "build",
          posts,
          "--model",
          "baseline",
          "--out",
          join(dir, "c.jsonl"),
          "--no-cache",
        ]),
      ]);
      assert.equal(strict.code, 1);
      assert.deepEqual(
        strict.stderr.split("\n").filter((l) => !/posts \|/.test(l) && l !== ""),
        [
          `${posts}:2: post: 2 attempts failed; last: output is not JSON ("no")`,
          "psysim: 1 post gave no valid card (listed above); rerun to retry them, or pass --allow-failures",
        ],
      );
      assert.match(
        strict.stdout,
        /^built 1 card → .*a\.jsonl; 0 already there, 0 duplicate posts, 1 failed \(of 2 posts\)\n/,
      );
      assert.equal(allowed.code, 0);
      assert.equal((await readRoleCards(join(dir, "b.jsonl"))).length, 1);
      assert.deepEqual(
        [baseline.code, baseline.stderr],
        [
          1,
          "psysim: the rule-based baseline cannot write role cards; cards build needs an LLM (--model openai:gpt-4o, ollama:qwen2.5:7b, …)\n",
        ],
      );
      assert.equal(existsSync(join(dir, "c.jsonl")), false);
    } finally {
      await server.close();
    }
  });
});
