import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  startFakeOpenAIServer,
  type FakeChatBody,
  type RecordedRequest,
} from "../fixtures/fake-openai-server.js";
import { counselingReplies } from "../fixtures/counseling-replies.js";
import { spawnCli } from "../fixtures/run-cli.js";
import { readDialogues, type Dialogue } from "../../src/core/index.js";
import { loadTemplate } from "../../src/prompts/template.js";
import { createBaselineChatModel } from "../../src/llm/providers/baseline.js";
import { simulate } from "../../src/simulation/simulate.js";
import { tempDir } from "../helpers.js";
import { card } from "./fixtures.js";

/** FAKE memory writer: a note or recollection naming the request's seed, so each is traceable. */
function withMemory(body: FakeChatBody): string | undefined {
  const first = body.messages[0];
  if (first?.role !== "user") return undefined;
  const seed = String(body.seed);
  if (/这份记录|your notes/i.test(first.content)) return `NOTE-${seed}`;
  if (/回忆|recollection/i.test(first.content)) return `RECALL-${seed}`;
  return undefined;
}

const chat = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as FakeChatBody);

describe("simulate --sessions (follow-up sessions over real HTTP)", async () => {
  const replies = counselingReplies({ sessionTurns: 4 });
  const server = await startFakeOpenAIServer({
    reply: (body, ctx) => withMemory(body) ?? replies(body, ctx),
  });
  after(() => server.close());
  const dir = tempDir();
  const cards = join(dir, "cards.jsonl");
  writeFileSync(
    cards,
    [card("a"), card("b"), card("e", "en")].map((c) => JSON.stringify(c)).join("\n") + "\n",
  );
  const spec = `openai-compatible:fake-model@${server.url}`;
  const common = ["simulate", "--cards", cards, "--client", spec, "--counselor", spec];

  it("links the sessions, records the memory and its prompts, and puts it in both prompts", async () => {
    const out = join(dir, "series.jsonl");
    const run = await spawnCli([...common, "--sessions", "2", "--out", out, "--no-cache"]).done;
    assert.equal(run.code, 0, run.stderr);
    const dialogues = await readDialogues(out);
    assert.deepEqual(dialogues.map((d) => d.id).sort(), ["a", "a#2", "b", "b#2", "e", "e#2"]);
    const byId = new Map(dialogues.map((d) => [d.id, d]));
    for (const id of ["a", "e"]) {
      const first = byId.get(id)!;
      const second = byId.get(`${id}#2`)!;
      assert.deepEqual([first.meta.series_id, first.meta.session_index], [id, 1]);
      assert.deepEqual([second.meta.series_id, second.meta.session_index], [id, 2]);
      assert.equal(first.meta["memory"], undefined);
      const memory = second.meta["memory"] as {
        of_sessions: number;
        counselor_note: string;
        client_recollection: string;
        prompts: Record<string, { id: string; sha256: string }>;
        written_by: Record<string, string>;
      };
      const language = first.language;
      assert.equal(memory.of_sessions, 1);
      assert.match(memory.counselor_note, /^NOTE-\d+$/);
      assert.match(memory.client_recollection, /^RECALL-\d+$/);
      assert.deepEqual(memory.written_by, { counselor_note: spec, client_recollection: spec });
      assert.deepEqual(memory.prompts["counselor_note"], {
        id: `memory-counselor.${language}`,
        sha256: loadTemplate("memory-counselor", language).sha256,
      });
      assert.equal(
        second.meta.prompts?.["followup_client"]?.sha256,
        loadTemplate("followup-client", language).sha256,
      );

      const bodies = chat(server.requests);
      // The memory calls read session 1's transcript, each side with its own template.
      const noteCall = bodies.find((b) => `NOTE-${b.seed}` === memory.counselor_note)!;
      assert.ok(noteCall.messages[0]!.content.includes(first.turns[1]!.content));
      assert.match(noteCall.messages[0]!.content, language === "zh" ? /这份记录/ : /your notes/);
      // Session 2: the client's system prompt carries the recollection, the counselor's the note.
      const systems = bodies.map((b) => b.messages[0]).filter((m) => m?.role === "system");
      const client2 = systems.filter((m) => m!.content.includes(memory.client_recollection));
      const counselor2 = systems.filter((m) => m!.content.includes(memory.counselor_note));
      assert.ok(client2.length > 0 && counselor2.length > 0);
      assert.ok(client2.every((m) => !m!.content.includes(memory.counselor_note)));
      assert.ok(counselor2.every((m) => /小天|Xiaotian/.test(m!.content)));
    }
  });

  it("uses an overriding memory template and records where it came from", async () => {
    const prompts = join(dir, "prompts");
    mkdirSync(prompts);
    writeFileSync(
      join(prompts, "memory-client.zh.txt"),
      "回忆一下第{session_index}次：{previous_memory}\n{transcript}\n",
    );
    const out = join(dir, "override.jsonl");
    const before = server.requests.length;
    const run = await spawnCli([
      ...common,
      "--sessions",
      "2",
      "--limit",
      "1",
      "--out",
      out,
      "--no-cache",
      "--prompts",
      prompts,
    ]).done;
    assert.equal(run.code, 0, run.stderr);
    const second = (await readDialogues(out)).find((d) => d.id === "a#2")!;
    const ref = (second.meta["memory"] as { prompts: Record<string, { id: string }> }).prompts;
    assert.equal(
      ref["client_recollection"]!.id,
      `memory-client.zh@${join(prompts, "memory-client.zh.txt")}`,
    );
    assert.ok(
      chat(server.requests.slice(before)).some((b) =>
        b.messages[0]!.content.startsWith("回忆一下第1次：（没有，这是第一次咨询。）"),
      ),
    );
  });

  it("is killed mid-series and resumed per session: the same dialogues, memory included", async () => {
    const many = join(dir, "many.jsonl");
    writeFileSync(
      many,
      Array.from({ length: 6 }, (_, i) => JSON.stringify(card(`s${i}`))).join("\n") + "\n",
    );
    const args = [
      "simulate",
      "--cards",
      many,
      "--client",
      spec,
      "--counselor",
      spec,
      "--sessions",
      "3",
      "--concurrency",
      "2",
      "--seed",
      "5",
    ];
    const essence = (d: Dialogue) => ({ id: d.id, turns: d.turns, memory: d.meta["memory"] });
    const reference = join(dir, "reference.jsonl");
    const ref = await spawnCli([...args, "--out", reference, "--cache", join(dir, "ref.sqlite")])
      .done;
    assert.equal(ref.code, 0, ref.stderr);
    const expected = (await readDialogues(reference))
      .map(essence)
      .sort((a, b) => a.id.localeCompare(b.id));
    assert.equal(expected.length, 18);

    const out = join(dir, "resumed.jsonl");
    const first = spawnCli([...args, "--out", out, "--cache", join(dir, "cache.sqlite")]);
    // Kill once some series are past their first session.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const text = existsSync(out) ? readFileSync(out, "utf8") : "";
        if (/"id":"s\d#2"/.test(text)) {
          clearInterval(timer);
          first.child.kill("SIGKILL");
          resolve();
        }
      }, 5);
    });
    await first.done;
    const partial = readFileSync(out, "utf8").split("\n").filter(Boolean).length;
    assert.ok(partial < 18, "the kill landed mid-run");
    const second = await spawnCli([...args, "--out", out, "--cache", join(dir, "cache.sqlite")])
      .done;
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`${partial} already finished \\(skipped\\)`));
    const got = (await readDialogues(out)).map(essence).sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(got, expected);
  });
});

describe("simulate --sessions with the baseline (offline)", () => {
  it("writes a rule-based memory labelled as such and opens session 2 on the homework", async () => {
    const out = join(tempDir(), "series.jsonl");
    const baseline = createBaselineChatModel();
    const summary = await simulate(
      { cards: [card("z"), card("y", "en")], out, sessions: 2, seed: 3 },
      { client: baseline, counselor: baseline },
    );
    assert.equal(summary.completed, 4);
    const dialogues = await readDialogues(out);
    const zh = dialogues.find((d) => d.id === "z#2")!;
    const en = dialogues.find((d) => d.id === "y#2")!;
    const memory = zh.meta["memory"] as { baseline: boolean; counselor_note: string };
    assert.equal(memory.baseline, true);
    assert.match(memory.counselor_note, /^\[基线规则摘要，非LLM\]第1次：来访者谈到“/);
    assert.match(
      (en.meta["memory"] as { client_recollection: string }).client_recollection,
      /^\[baseline rule-based recollection, not an LLM\] In session 1 I said "/,
    );
    assert.match(zh.turns[1]!.content, /上次我们说好的事/);
    assert.ok(Object.keys(zh.meta.usage ?? {}).includes("counselor-note"));
  });

  it("--dry-run counts every planned session and the two memory calls before each later one", async () => {
    const dir = tempDir();
    const cards = join(dir, "cards.jsonl");
    writeFileSync(
      cards,
      [card("p"), card("q", "en")].map((c) => JSON.stringify(c)).join("\n") + "\n",
    );
    const out = join(dir, "series.jsonl");
    const args = ["simulate", "--cards", cards, "--out", out, "--sessions", "3", "--no-cache"];
    const dry = await spawnCli([...args, "--dry-run"]).done;
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^dry run: 6 sessions planned \(3 per card; 8 memory calls\) \(0 already finished/,
    );
    // 41 calls a session (20 counselor turns with 10% regenerations, 19 client turns) + 8 memory calls.
    const row = dry.stdout.split("\n").find((l) => l.startsWith("baseline"))!;
    assert.equal(row.split(/\s{2,}/)[2], String(6 * 41 + 8));
    assert.match(row, /counselor-note\+client-recollection/);
    const one = await spawnCli(args.map((a) => (a === "3" ? "1" : a))).done;
    assert.equal(one.code, 0, one.stderr);
    const again = await spawnCli([...args, "--dry-run"]).done;
    assert.match(
      again.stdout,
      /^dry run: 4 sessions planned \(3 per card; 8 memory calls\) \(2 already finished/,
    );
  });
});
