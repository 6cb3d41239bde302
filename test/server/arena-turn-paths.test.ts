import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Battle } from "../../src/core/battle.js";
import type { Turn } from "../../src/core/dialogue.js";
import { parseRoleCard } from "../../src/core/read-records.js";
import type { ChatModel } from "../../src/llm/chat-model.js";
import { createOpenAICompatibleChatModel } from "../../src/llm/providers/openai-compatible.js";
import { loadTemplate } from "../../src/prompts/template.js";
import { arenaCounselor } from "../../src/arena/arena-counselor.js";
import { adHocCounselor } from "../../src/arena/counselor-registry.js";
import { runArenaSession } from "../../src/arena/battle-session.js";
import { sideShownAs } from "../../src/arena/arena-turn.js";
import { pairSessionId } from "../../src/arena/pair-schedule.js";
import { Supervisor } from "../../src/arena/supervisor.js";
import { loadSupervisorTemplate } from "../../src/arena/supervisor-template.js";
import { ResponseValidator } from "../../src/simulation/response-validator.js";
import { SIMULATION_DEFAULTS } from "../../src/simulation/simulate.js";
import {
  DEFAULT_TERMINATION_PHRASES,
  TerminationRule,
} from "../../src/simulation/termination-rule.js";
import { SimulationSessionEngine } from "../../src/server/simulation-session-engine.js";
import {
  startFakeOpenAIServer,
  type FakeChatBody,
  type FakeOpenAIServer,
} from "../fixtures/fake-openai-server.js";
import { addAnnotator, ANNOTATOR_PASSWORD, makePlatform, WebClient } from "./helpers.js";

/**
 * Test fixture, not a model: every answer depends on the call's derived seed, so the two
 * paths agree only if they derive the same sample keys and seeds. "warm" and "flat" say
 * goodbye at their fourth reply; the judge picks by a hash of the prompt it is shown.
 */
function reply(body: FakeChatBody): string {
  const seed = Number(body["seed"] ?? 0) % 1000;
  const turn = body.messages.filter((m) => m.role === "user").length;
  const last = body.messages.at(-1)!.content;
  switch (body.model) {
    case "client":
      return `I keep thinking about it (${seed}).`;
    case "warm":
      return turn >= 4 ? "Take care until next time." : `What feels hardest about that (${seed})?`;
    case "flat":
      return turn >= 4 ? "Okay, take care." : `Okay (${seed}).`;
    case "judge": {
      // Alternates with the length of the history, so it picks both positions over a session.
      const turns = (last.match(/^Counselor: /gm) ?? []).length;
      return `- Basis for selection: a reason.\n- Final choice: ${turns % 2 ? "A" : "B"}`;
    }
    default:
      throw new Error(`unexpected model ${body.model}`);
  }
}

const card = parseRoleCard(
  { id: "card-1", language: "en", chief_complaint: "I cannot sleep before exams." },
  "inline",
  1,
);
const SEED = 11;
const PAIR = ["warm", "flat"] as const;

/** What both paths must agree on: everything but who judged, when, and the ids of the run. */
const comparable = (b: Battle) => ({
  turn: b.turn,
  history_ref: b.history_ref,
  model_a: b.model_a,
  model_b: b.model_b,
  response_a: b.response_a,
  response_b: b.response_b,
  winner: b.winner,
  order: b.order,
});
const spoken = (turns: readonly Turn[]) =>
  turns.map((t) => ({
    role: t.role,
    content: t.content,
    ...(t.role === "counselor" ? { speaker: t.speaker, candidates: t.candidates } : {}),
  }));

describe("Algorithm 2's turn is one (arena/arena-turn.ts) for the CLI arena and the platform", () => {
  let server: FakeOpenAIServer;
  before(async () => {
    server = await startFakeOpenAIServer({ reply });
  });
  after(() => server.close());

  const model = (name: string): ChatModel =>
    createOpenAICompatibleChatModel({
      id: `fake:${name}`,
      model: name,
      baseUrls: [server.url],
      apiKey: "test",
    });
  const counselors = () =>
    new Map(PAIR.map((name) => [name, arenaCounselor(adHocCounselor(name), model(name))]));

  it("gives the same candidates, dialogue and Battle records for the same card, seed and models", async () => {
    const pair = counselors();
    const cli = await runArenaSession({
      id: pairSessionId(card.id, PAIR),
      card,
      language: "en",
      pair: [pair.get("warm")!, pair.get("flat")!],
      client: model("client"),
      clientTemplate: loadTemplate("client", "en"),
      supervisor: new Supervisor({
        model: model("judge"),
        prompt: 2,
        templates: { en: loadSupervisorTemplate(2, "en") },
      }),
      bothOrders: false,
      validator: new ResponseValidator("en"),
      termination: new TerminationRule("en", DEFAULT_TERMINATION_PHRASES.en),
      maxTurns: 8,
      maxAttempts: SIMULATION_DEFAULTS.maxAttempts,
      exhaustedPolicy: SIMULATION_DEFAULTS.exhaustedPolicy,
      runSeed: SEED,
    });
    assert.equal(cli.dialogue.ended_by, "termination_phrase");
    assert.ok(cli.battles.length >= 3);
    assert.ok(
      new Set(cli.battles.map((b) => b.winner)).size === 2,
      "the judge picks both ways: " + JSON.stringify(cli.battles.map((b) => b.winner)),
    );

    // The platform, same models and seed; the human votes as the LLM judge did.
    const platform = await makePlatform({
      seed: SEED,
      engine: new SimulationSessionEngine({
        client: model("client"),
        counselors: counselors(),
        maxTurns: 8,
      }),
    });
    const alice = await addAnnotator(platform.store, "alice");
    platform.store.upsertRoleCards([card]);
    platform.store.createAssignments([
      {
        annotatorId: alice.id,
        cardId: card.id,
        counselorA: "warm",
        counselorB: "flat",
        mode: "arena",
      },
    ]);
    const web = new WebClient(platform.app);
    await web.login("alice", ANNOTATOR_PASSWORD);
    const started = await web.post("/assignments/1/start");
    const path = started.location!.replace(/#.*/, "");
    const id = path.split("/").at(-1)!;
    for (const llm of cli.battles) {
      const pending = platform.store.getArenaSession(id)!.pending!;
      assert.equal(pending.turn, llm.turn);
      const pick = sideShownAs("A", pending.order) === llm.winner ? "A" : "B";
      const vote = await web.post(`${path}/vote`, { turn: String(llm.turn), pick });
      assert.equal(vote.status, 303);
      await platform.sessions.settled(id);
    }
    const session = platform.store.getArenaSession(id)!;
    const human = [...platform.store.iterateBattles()];
    assert.equal(session.status, "finished");
    assert.deepEqual(human.map(comparable), cli.battles.map(comparable));
    assert.deepEqual(spoken(session.dialogue.turns), spoken(cli.dialogue.turns));
    assert.equal(session.dialogue.ended_by, cli.dialogue.ended_by);
    assert.ok(human.every((b) => b.judge === "human:alice"));
    platform.store.close();
  });
});
