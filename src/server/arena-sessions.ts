import { randomBytes } from "node:crypto";
import type { Battle, Winner } from "../core/battle.js";
import type { Dialogue, Turn } from "../core/dialogue.js";
import { PsysimError } from "../core/errors.js";
import { historyRef } from "../arena/battle-history.js";
import { deriveSeed, SeededRandom } from "../core/random.js";
import { schemaTag } from "../core/schema.js";
import type {
  AnnotationStore,
  ArenaSession,
  Assignment,
  PendingTurn,
  Side,
  User,
} from "./annotation-store.js";
import type { SessionEngine } from "./session-engine.js";

/** What the annotator clicked: a position on screen, not a model. */
export type Pick = "A" | "B" | "tie" | "both_bad";
export const PICKS: readonly Pick[] = ["A", "B", "tie", "both_bad"];

export type VoteResult =
  | { kind: "recorded"; battle: Battle; session: ArenaSession }
  | { kind: "duplicate"; battle: Battle; session: ArenaSession };

const otherSide = (side: Side): Side => (side === "a" ? "b" : "a");

/** Which assignment side sits at a screen position this turn. */
export function sideShownAs(position: "A" | "B", order: PendingTurn["order"]): Side {
  const first: Side = order === "ab" ? "a" : "b";
  return position === "A" ? first : otherSide(first);
}

export function counselorTurnCount(turns: readonly Turn[]): number {
  return turns.filter((t) => t.role === "counselor").length;
}

/**
 * The human-judged arena (Algorithm 2 with a human supervisor π): the session's state
 * lives in the store after every step, so a failing model, a reload or a restart of the
 * server loses nothing already generated or chosen.
 */
export class ArenaSessions {
  private readonly inFlight = new Map<string, Promise<ArenaSession>>();

  constructor(
    private readonly store: AnnotationStore,
    private readonly engine: SessionEngine,
    private readonly options: { seed: number; now?: () => string },
  ) {}

  private now(): string {
    return this.options.now?.() ?? new Date().toISOString();
  }

  /** Starts a session for an assignment (Figure 15's Start); in arena mode the first candidates are generated right away. */
  async start(assignment: Assignment, annotator: User): Promise<ArenaSession> {
    const card = this.store.getRoleCard(assignment.cardId);
    if (!card)
      throw new PsysimError(
        "NOT_FOUND",
        `role card ${assignment.cardId} is no longer in the database`,
      );
    const previous = this.store.listSessions({ assignmentId: assignment.id });
    const id = `hs-${randomBytes(6).toString("hex")}`;
    const seed = deriveSeed(this.options.seed, id);
    const dialogue: Dialogue = {
      schema: schemaTag("dialogue"),
      id,
      role_card_id: card.id,
      language: card.language,
      turns: [
        {
          role: "client",
          content: this.engine.greeting(card.language),
          speaker: assignment.mode === "arena" ? this.engine.clientSpec : `human:${annotator.name}`,
        },
      ],
      meta: {
        client: assignment.mode === "arena" ? this.engine.clientSpec : `human:${annotator.name}`,
        seed,
        started_at: this.now(),
        mode: assignment.mode,
        counselors: [assignment.counselorA, assignment.counselorB],
        judge: `human:${annotator.name}`,
        attempt: previous.length,
      },
    };
    const session = this.store.createArenaSession({
      id,
      assignmentId: assignment.id,
      annotatorId: annotator.id,
      seed,
      dialogue,
      pending: this.newPending(seed, 1),
      startedAt: this.now(),
    });
    return this.advance(session.id);
  }

  /** Figure 15's Restart: the current session is kept (with its votes) as `restarted`, and a fresh one begins. */
  async restart(
    session: ArenaSession,
    assignment: Assignment,
    annotator: User,
  ): Promise<ArenaSession> {
    if (session.status === "active")
      this.store.saveArenaSession({ ...session, status: "restarted", finishedAt: this.now() });
    return this.start(assignment, annotator);
  }

  /** Resolves when no generation is running for the session (the page then shows its result). */
  async settled(sessionId: string): Promise<void> {
    await this.inFlight.get(sessionId);
  }

  /**
   * Starts generating the next turn without waiting for it, so a vote is acknowledged as soon
   * as it is stored; failures are recorded on the session and shown with a retry button.
   */
  advanceInBackground(sessionId: string): void {
    this.advance(sessionId).catch((error: unknown) =>
      console.error(`psysim serve: session ${sessionId}:`, error),
    );
  }

  /** Generates whatever the session is waiting for; one generation per session at a time. */
  advance(sessionId: string): Promise<ArenaSession> {
    const running = this.inFlight.get(sessionId);
    if (running) return running;
    const work = this.generate(sessionId).finally(() => this.inFlight.delete(sessionId));
    this.inFlight.set(sessionId, work);
    return work;
  }

  private async generate(sessionId: string): Promise<ArenaSession> {
    let session = this.mustGet(sessionId);
    if (session.status !== "active" || !session.pending) return session;
    const card = this.store.getRoleCard(session.dialogue.role_card_id ?? "");
    const assignment = this.store.getAssignment(session.assignmentId);
    if (!card || !assignment)
      throw new PsysimError(
        "NOT_FOUND",
        `session ${sessionId} refers to a card or assignment that is gone`,
      );
    const attempt = Number(session.dialogue.meta["attempt"] ?? 0);
    // A restart draws fresh samples; first sessions of a card share theirs (see EngineRequest.dialogueKey).
    const dialogueKey = `human-arena/${card.id}/r${attempt}`;
    try {
      const last = session.dialogue.turns.at(-1);
      if (last?.role === "counselor") {
        if (assignment.mode === "client") return session;
        const turns = session.dialogue.turns;
        const content = await this.engine.clientReply({ card, turns, dialogueKey });
        session = this.save({
          ...session,
          error: null,
          dialogue: {
            ...session.dialogue,
            turns: [...turns, { role: "client", content, speaker: this.engine.clientSpec }],
          },
        });
      }
      for (const side of ["a", "b"] as const) {
        if (session.pending!.candidates[side]) continue;
        const counselor = side === "a" ? assignment.counselorA : assignment.counselorB;
        const turns = session.dialogue.turns;
        const reply = await this.engine.counselorReply(counselor, { card, turns, dialogueKey });
        const pending = {
          ...session.pending!,
          candidates: { ...session.pending!.candidates, [side]: reply },
        };
        session = this.save({ ...session, error: null, pending });
      }
      return session;
    } catch (error) {
      if (error instanceof PsysimError && error.code === "NOT_FOUND") throw error;
      const message = error instanceof Error ? error.message : String(error);
      return this.save({ ...this.mustGet(sessionId), error: message.split("\n")[0]! });
    }
  }

  /**
   * Records the annotator's pick as a Battle and continues the dialogue with the picked
   * reply (a tie or "both bad" continues with a seeded coin flip, recorded as the turn's speaker).
   */
  vote(sessionId: string, annotator: User, turn: number, pick: Pick): VoteResult {
    const session = this.mustGet(sessionId);
    const earlier = this.store.battleForTurn(sessionId, turn);
    if (earlier) return { kind: "duplicate", battle: earlier, session };
    const pending = session.pending;
    if (session.status !== "active" || !pending || pending.turn !== turn) {
      throw new PsysimError(
        "INPUT_INVALID",
        "this turn is no longer open for a vote; reload the page",
      );
    }
    const a = pending.candidates.a;
    const b = pending.candidates.b;
    if (!a || !b)
      throw new PsysimError("INPUT_INVALID", "the candidates for this turn are not ready yet");
    const assignment = this.store.getAssignment(session.assignmentId)!;
    const winner = this.winnerOf(pick, pending.order);
    const continueWith: Side =
      winner === "a" || winner === "b"
        ? winner
        : new SeededRandom(deriveSeed(session.seed, `continue-${turn}`)).pick(["a", "b"] as const);
    const history = session.dialogue.turns;
    const battle: Battle = {
      schema: schemaTag("battle"),
      // Named and numbered as the arena's battles (1-based counselor turn), so `battleHistory` finds its history.
      id: `${sessionId}/turn-${turn}`,
      dialogue_id: sessionId,
      turn,
      history_ref: historyRef(history),
      model_a: assignment.counselorA,
      model_b: assignment.counselorB,
      response_a: a.content,
      response_b: b.content,
      winner,
      judge: `human:${annotator.name}`,
      order: pending.order,
      ts: this.now(),
    };
    const chosen = continueWith === "a" ? a : b;
    const turnRecord: Turn = {
      role: "counselor",
      content: chosen.content,
      speaker: continueWith === "a" ? assignment.counselorA : assignment.counselorB,
      candidates: [
        {
          speaker: assignment.counselorA,
          content: a.content,
          ...(a.rejected?.length ? { rejected: a.rejected } : {}),
        },
        {
          speaker: assignment.counselorB,
          content: b.content,
          ...(b.rejected?.length ? { rejected: b.rejected } : {}),
        },
      ],
      ...(chosen.validation ? { validation: chosen.validation } : {}),
    };
    const dialogue: Dialogue = { ...session.dialogue, turns: [...history, turnRecord] };
    const phrase = this.engine.terminationPhrase(chosen.content, dialogue.language);
    let next: ArenaSession;
    if (phrase !== null || counselorTurnCount(dialogue.turns) >= this.engine.maxTurns) {
      next = this.finished(session, {
        ...dialogue,
        ended_by: phrase !== null ? "termination_phrase" : "max_turns",
        ...(phrase !== null ? { termination_phrase: phrase } : {}),
      });
    } else {
      next = {
        ...session,
        error: null,
        dialogue,
        pending: this.newPending(session.seed, turn + 1),
      };
    }
    const outcome = this.store.recordVote(battle, next);
    if (outcome.kind === "duplicate")
      return { kind: "duplicate", battle: outcome.battle, session: this.mustGet(sessionId) };
    if (outcome.kind === "stale")
      throw new PsysimError(
        "INPUT_INVALID",
        "this session changed while you voted; reload the page",
      );
    return { kind: "recorded", battle, session: outcome.session };
  }

  /** Second mode: the annotator, as the client, says the next line. */
  async say(sessionId: string, text: string): Promise<ArenaSession> {
    const session = this.mustGet(sessionId);
    const content = text.trim();
    if (!content)
      throw new PsysimError("INPUT_INVALID", "write something to say to the counselors first");
    if (session.status !== "active" || session.dialogue.turns.at(-1)?.role !== "counselor") {
      throw new PsysimError("INPUT_INVALID", "it is not the client's turn; reload the page");
    }
    const turns: Turn[] = [
      ...session.dialogue.turns,
      { role: "client", content, speaker: String(session.dialogue.meta["client"]) },
    ];
    this.save({ ...session, dialogue: { ...session.dialogue, turns } });
    return this.advance(sessionId);
  }

  /** Second mode: the annotator, as the client, leaves the session after a counselor turn. */
  leave(sessionId: string): ArenaSession {
    const session = this.mustGet(sessionId);
    if (session.status !== "active" || session.dialogue.turns.at(-1)?.role !== "counselor") {
      throw new PsysimError(
        "INPUT_INVALID",
        "a session can be ended only after a counselor's reply",
      );
    }
    return this.save(this.finished(session, { ...session.dialogue, ended_by: "client_exit" }));
  }

  private winnerOf(pick: Pick, order: PendingTurn["order"]): Winner {
    if (pick === "tie") return "tie";
    if (pick === "both_bad") return "both_bad";
    return sideShownAs(pick, order);
  }

  private finished(session: ArenaSession, dialogue: Dialogue): ArenaSession {
    const at = this.now();
    return {
      ...session,
      status: "finished",
      pending: null,
      error: null,
      finishedAt: at,
      dialogue: { ...dialogue, meta: { ...dialogue.meta, finished_at: at } },
    };
  }

  /** Positions are shuffled per turn with the session's seed, so a replay shows the same layout. */
  private newPending(seed: number, turn: number): PendingTurn {
    if (!Number.isInteger(turn) || turn < 1)
      throw new Error(`counselor turns count from 1, got ${turn}`);
    const order = new SeededRandom(deriveSeed(seed, `order-${turn}`)).next() < 0.5 ? "ab" : "ba";
    return { turn, order, candidates: {} };
  }

  private save(session: ArenaSession): ArenaSession {
    const saved = this.store.saveArenaSession(session);
    if (!saved)
      throw new PsysimError(
        "INPUT_INVALID",
        "this session changed in another window; reload the page",
      );
    return saved;
  }

  private mustGet(sessionId: string): ArenaSession {
    const session = this.store.getArenaSession(sessionId);
    if (!session) throw new PsysimError("NOT_FOUND", `no session ${sessionId}`);
    return session;
  }
}
