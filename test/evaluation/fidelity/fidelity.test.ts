import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RoleCard } from "../../../src/core/role-card.js";
import { normaliseRoleCard } from "../../../src/core/role-card.js";
import type { EmbeddingModel } from "../../../src/llm/chat-model.js";
import {
  evaluateFidelity,
  randomCardMapping,
  LexicalEmbeddingModel,
  pairedTTest,
  welchTTest,
} from "../../../src/evaluation/index.js";
import { tempDir } from "../../helpers.js";
import { runPsysim } from "../../cards/run-psysim.js";
import { runCli } from "../../fixtures/run-cli.js";
import { dialogue, writeJsonlFile } from "../fixtures.js";

function card(id: string, chief_complaint: string): RoleCard {
  return normaliseRoleCard({ id, chief_complaint });
}

const cards = [
  card("c1", "我和妈妈吵架，很焦虑。"),
  card("c2", "老板批评我，失眠"),
  card("c3", "分手以后很难过"),
];
const sessions = [
  dialogue(
    "s1",
    "zh",
    [
      ["client", "妈妈说我太焦虑了！"],
      ["counselor", "嗯"],
    ],
    { role_card_id: "c1" },
  ),
  dialogue(
    "s2",
    "zh",
    [
      ["client", "老板又批评我"],
      ["counselor", "嗯"],
    ],
    { role_card_id: "c2" },
  ),
  dialogue(
    "s3",
    "zh",
    [
      ["client", "分手了"],
      ["counselor", "嗯"],
    ],
    { role_card_id: "c3" },
  ),
];

/** Records how texts were batched; answers with the lexical baseline's vectors. */
class RecordingEmbeddings implements EmbeddingModel {
  readonly id = "recording";
  readonly batches: string[][] = [];
  private readonly inner = new LexicalEmbeddingModel();
  async embed(texts: string[]): Promise<number[][]> {
    this.batches.push(texts);
    return this.inner.embed(texts);
  }
}

describe("evaluateFidelity", () => {
  it("swaps cards only between sessions of the same language in a mixed dataset", async () => {
    const en = [
      card("e1", "I fight with my mom."),
      card("e2", "My boss yells at me."),
      card("e3", "I can't sleep."),
    ];
    const english = en.map((c, i) =>
      dialogue(
        `t${i}`,
        "en",
        [
          ["client", c.chief_complaint],
          ["counselor", "ok"],
        ],
        { role_card_id: c.id },
      ),
    );
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = await evaluateFidelity([...sessions, ...english], [...cards, ...en], { seed });
      for (const s of result.sessions) {
        assert.notEqual(s.random_card_id, s.card_id);
        assert.equal(
          s.random_card_id.startsWith("e"),
          s.language === "en",
          `${s.dialogue_id} got ${s.random_card_id}`,
        );
      }
    }
    await assert.rejects(
      evaluateFidelity([...sessions, english[0]!], [...cards, ...en], { seed: 1 }),
      /only one en session/,
    );
  });

  it("scores each session against its own card and a deranged one, by hand for session 1", async () => {
    const result = await evaluateFidelity(sessions, cards, { seed: 5 });
    const mapping = randomCardMapping(["c1", "c2", "c3"], 5);
    assert.deepEqual(
      result.sessions.map((s) => s.random_card_id),
      mapping.map((j) => cards[j]!.id),
    );
    const s1 = result.sessions[0]!;
    // 我/和/妈妈/吵架/很/焦虑 vs 妈妈/说/我/太/焦虑/了 → 3 of 6.
    assert.equal(s1.overlap, 0.5);
    assert.equal(s1.card_words, 6);
    assert.equal(result.aggregates.overlap.a.n, 3);
    assert.equal(result.aggregates.cosine, null, "no embedding model, no Eq. 2");
    assert.deepEqual([s1.cosine, s1.cosine_random], [null, null]);
  });

  it("tests true vs random mapping as pairs by default, and as independent groups on request", async () => {
    const paired = await evaluateFidelity(sessions, cards, { seed: 5 });
    const own = paired.sessions.map((s) => s.overlap!);
    const other = paired.sessions.map((s) => s.overlap_random!);
    assert.deepEqual(paired.aggregates.overlap.test, pairedTTest(own, other));
    assert.match(String(paired.settings["test"]), /^paired two-tailed t-test/);
    const welch = await evaluateFidelity(sessions, cards, { seed: 5, test: "welch" });
    assert.deepEqual(welch.aggregates.overlap.test, welchTTest(own, other));
    const student = await evaluateFidelity(sessions, cards, { seed: 5, test: "student" });
    assert.equal(student.aggregates.overlap.test.df, 4);
  });

  it("embeds each card once and each client text once, in batches of the given size", async () => {
    const model = new RecordingEmbeddings();
    const result = await evaluateFidelity(sessions, cards, {
      seed: 5,
      embedding: model,
      batchSize: 4,
    });
    assert.deepEqual(
      model.batches.map((b) => b.length),
      [4, 2],
    );
    assert.ok(result.aggregates.cosine);
    assert.equal(result.aggregates.cosine.a.n, 3);
    assert.deepEqual(result.settings["embedding"], {
      model: "recording",
      baseline: false,
      batch_size: 4,
    });
  });

  it("keeps a session whose client said nothing: overlap 0, no cosine", async () => {
    const silent = dialogue(
      "s4",
      "zh",
      [
        ["client", ""],
        ["counselor", "你好"],
      ],
      { role_card_id: "c1" },
    );
    const result = await evaluateFidelity([...sessions, silent], cards, {
      seed: 1,
      embedding: new RecordingEmbeddings(),
    });
    const s4 = result.sessions[3]!;
    assert.deepEqual([s4.overlap, s4.cosine, s4.cosine_random], [0, null, null]);
    assert.equal(result.aggregates.cosine!.a.n, 3);
  });

  it("leaves a card without words out of Eq. 1 instead of dividing by zero", async () => {
    const empty = card("c9", "！！！……");
    const withEmpty = [
      ...sessions,
      dialogue(
        "s9",
        "zh",
        [
          ["client", "你好"],
          ["counselor", "嗯"],
        ],
        { role_card_id: "c9" },
      ),
    ];
    const result = await evaluateFidelity(withEmpty, [...cards, empty], { seed: 2, test: "welch" });
    assert.equal(result.sessions[3]!.overlap, null);
    assert.equal(result.aggregates.overlap.a.n, 3);
    // Paired (the default) keeps only sessions with both values: the empty card is also some
    // other session's random card, so that session drops out of both groups.
    const paired = await evaluateFidelity(withEmpty, [...cards, empty], { seed: 2 });
    const complete = paired.sessions.filter((s) => s.overlap !== null && s.overlap_random !== null);
    assert.equal(complete.length, 2);
    assert.deepEqual([paired.aggregates.overlap.a.n, paired.aggregates.overlap.b.n], [2, 2]);
  });

  it("refuses sessions whose cards are missing, naming the first and counting the rest", async () => {
    const orphans = [dialogue("s7", "zh", [], { role_card_id: "nope" }), dialogue("s8", "zh", [])];
    await assert.rejects(
      evaluateFidelity([...sessions, ...orphans], cards, {
        seed: 1,
        sources: { dialogues: "d.jsonl", cards: "c.jsonl" },
      }),
      {
        message:
          'd.jsonl: session "s7" names card "nope", which is not in c.jsonl (and 1 more session); pass the card file the sessions were simulated from',
      },
    );
  });

  it("refuses a single session: it cannot be given another session's card", async () => {
    await assert.rejects(
      evaluateFidelity([sessions[0]!], cards, { seed: 1 }),
      /at least two sessions/,
    );
  });
});

describe("psysim eval fidelity", () => {
  it("prints both groups, writes the JSON result and Figure 2 charts, labelling the baseline embedding", async () => {
    const dir = tempDir();
    const d = writeJsonlFile(dir, "sim.jsonl", sessions);
    const c = writeJsonlFile(dir, "cards.jsonl", cards);
    const json = join(dir, "out", "fidelity.json");
    const plots = join(dir, "plots");
    const r = await runCli([
      "eval",
      "fidelity",
      "--dialogues",
      d,
      "--cards",
      c,
      "--seed",
      "5",
      "--json",
      json,
      "--plots",
      plots,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /vocabulary overlap \(Eq\. 1\)\s+0\.\d{3} ± 0\.\d{3} \(3\)/);
    assert.match(r.stdout, /cosine \(Eq\. 2, lexical-baseline, baseline\)/);
    assert.match(r.stdout, /paired p/);
    const result = JSON.parse(readFileSync(json, "utf8")) as {
      settings: { seed: number; embedding: { model: string; baseline: boolean } };
      sessions: unknown[];
    };
    assert.deepEqual(
      [
        result.settings.seed,
        result.settings.embedding.model,
        result.settings.embedding.baseline,
        result.sessions.length,
      ],
      [5, "lexical-baseline", true, 3],
    );
    for (const f of [
      "fidelity-overlap.svg",
      "fidelity-overlap.png",
      "fidelity-cosine.svg",
      "fidelity-cosine.png",
    ])
      assert.ok(existsSync(join(plots, f)), f);
    assert.match(readFileSync(join(plots, "fidelity-cosine.svg"), "utf8"), /lexical-baseline/);
  });

  it("fails in one line with exit code 1, writing nothing, when some sessions have no card (a real process)", async () => {
    const dir = tempDir();
    const d = writeJsonlFile(dir, "sim.jsonl", [
      ...sessions,
      dialogue("s7", "zh", [], { role_card_id: "gone" }),
    ]);
    const c = writeJsonlFile(dir, "cards.jsonl", cards);
    const json = join(dir, "fidelity.json");
    const r = await runPsysim(["eval", "fidelity", "--dialogues", d, "--cards", c, "--json", json]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /^psysim: .*sim\.jsonl: session "s7" names card "gone"/);
    assert.equal(existsSync(json), false);
  });
});
