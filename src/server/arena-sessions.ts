import { randomBytes } from "node:crypto";
import {
  identicalCandidates,
  type Battle,
  type VoteAnnotation,
  type Winner,
} from "../core/battle.js";
import { counselorTurnCount, type Dialogue, type Turn } from "../core/dialogue.js";
import { PsysimError } from "../core/errors.js";
import { deriveSeed } from "../core/random.js";
import { schemaTag } from "../core/schema.js";
import {
  decideTurn,
  presentationOrder,
  sideShownAs,
  type CandidateReply,
  type TurnVerdict,
} from "../arena/arena-turn.js";
import { pairSessionId } from "../arena/pair-schedule.js";
import { crisisFlags, crisisTerms } from "../simulation/crisis-lexicon.js";

export { crisisFlags, type CrisisFlag } from "../simulation/crisis-lexicon.js";
import type {
  AnnotationStore,
  ArenaSession,
  Assignment,
  PendingTurn,
  User,
} from "./annotation-store.js";
import type { SessionEngine } from "./session-engine.js";
import { humanBattleId, newSessionId } from "./session-ids.js";

/** What the annotator clicked: a position on screen, not a model. */
export type Pick = "A" | "B" | "tie" | "both_bad";
export const PICKS: readonly Pick[] = ["A", "B", "tie", "both_bad"];

export type VoteResult =
  | { kind: "recorded"; battle: Battle; session: ArenaSession }
  /** Someone (this annotator in another tab, or a double submit) voted on the turn first. */
  | { kind: "duplicate"; battle: Battle; session: ArenaSession; samePick: boolean };

export interface VoteDetails {
  /** Milliseconds the page measured from showing the candidates to the vote, if it sent one. */
  timeMs?: number;
  comment?: string;
  flags?: VoteAnnotation["flags"];
  guidelineVersion?: string;
  /** A skip instead of a pick: the annotator's reason. */
  skipReason?: string;
}

/**
 * The item a session judges: the CLI arena's session id for the same card and pair
 * (`pairSessionId`), so one card, pair and seed sample the same candidates through either
 * path; a restart draws fresh samples (`/rN`). Sessions of the same item share it, so two
 * annotators can judge the very same candidates.
 */
export function itemKey(cardId: string, assignment: Assignment, attempt: number): string {
  const base = pairSessionId(cardId, [assignment.counselorA, assignment.counselorB]);
  return attempt > 0 ? `${base}/r${attempt}` : base;
}

/** Time on an item above this is a tab left open, not judging; such a measure is dropped. */
const MAX_ITEM_MS = 6 * 3_600_000;

/**
 * The human-judged arena: Algorithm 2's turn (`arena/arena-turn.ts`) with a human supervisor
 * π. The session's state lives in the store after every step, so a failing model, a reload
 * or a restart of the server loses nothing already generated or chosen.
 */
export class ArenaSessions {
  private readonly inFlight = new Map<string, Promise<ArenaSession>>();
  /** Start and restart of one assignment run one at a time, so concurrent clicks open one session. */
  private readonly starting = new Map<number, Promise<ArenaSession>>();

  constructor(
    private readonly store: AnnotationStore,
    private readonly engine: SessionEngine,
    private readonly options: { seed: number; now?: () => string },
  ) {}

  private now(): string {
    return this.options.now?.() ?? new Date().toISOString();
  }

  /** Figure 15's Start: the assignment's active session, or a new one (in arena mode with its first candidates). */
  start(assignment: Assignment, annotator: User): Promise<ArenaSession> {
    return this.serialised(assignment.id, async () => {
      const all = this.store.listSessions({ assignmentId: assignment.id });
      const active = all.find((s) => s.status === "active");
      if (active) return this.advance(active.id);
      // A finished task is read-only: Start shows its result instead of opening it again.
      return all.findLast((s) => s.status === "finished") ?? this.open(assignment, annotator);
    });
  }

  /** Figure 15's Restart: the session is kept (with its votes) as `restarted`, and a fresh one begins; repeats restart once. */
  restart(session: ArenaSession, assignment: Assignment, annotator: User): Promise<ArenaSession> {
    return this.serialised(assignment.id, async () => {
      const current = this.mustGet(session.id);
      // A repeated restart (double click, two tabs) lands on the session the first one opened.
      if (current.status !== "active")
        return this.activeSession(assignment.id) ?? this.mustGet(session.id);
      this.save({ ...current, status: "restarted", finishedAt: this.now() });
      return this.open(assignment, annotator);
    });
  }

  private async serialised(
    assignmentId: number,
    work: () => Promise<ArenaSession>,
  ): Promise<ArenaSession> {
    const before = this.starting.get(assignmentId);
    const run = (before ? before.catch(() => undefined) : Promise.resolve()).then(work);
    this.starting.set(assignmentId, run);
    try {
      return await run;
    } finally {
      if (this.starting.get(assignmentId) === run) this.starting.delete(assignmentId);
    }
  }

  private activeSession(assignmentId: number): ArenaSession | undefined {
    return this.store.listSessions({ assignmentId }).find((s) => s.status === "active");
  }

  private async open(assignment: Assignment, annotator: User): Promise<ArenaSession> {
    const card = this.store.getRoleCard(assignment.cardId);
    if (!card)
      throw new PsysimError(
        "NOT_FOUND",
        `role card ${assignment.cardId} is no longer in the database`,
      );
    const attempt = this.store.listSessions({ assignmentId: assignment.id }).length;
    const id = newSessionId();
    const item = itemKey(card.id, assignment, attempt);
    // The item's seed, as the CLI arena derives a session's: the same card and pair replay the same coins.
    const seed = deriveSeed(this.options.seed, item);
    const client = assignment.mode === "arena" ? this.engine.clientSpec : `human:${annotator.name}`;
    const dialogue: Dialogue = {
      schema: schemaTag("dialogue"),
      id,
      role_card_id: card.id,
      language: card.language,
      turns: [{ role: "client", content: this.engine.greeting(card.language), speaker: client }],
      meta: {
        client,
        seed,
        item,
        started_at: this.now(),
        mode: assignment.mode,
        counselors: [assignment.counselorA, assignment.counselorB],
        judge: `human:${annotator.name}`,
        attempt,
      },
    };
    const session = this.store.createArenaSession({
      id,
      assignmentId: assignment.id,
      annotatorId: annotator.id,
      seed,
      dialogue,
      pending: newPending(seed, 1),
      startedAt: this.now(),
    });
    return this.advance(session.id);
  }

  /** Resolves when no generation is running for the session (the page then shows its result). */
  async settled(sessionId: string): Promise<void> {
    await this.inFlight.get(sessionId);
  }

  /** True while candidates or a client reply are being generated for the session. */
  generating(sessionId: string): boolean {
    return this.inFlight.has(sessionId);
  }

  /**
   * Starts generating the next turn without waiting for it, so a vote is acknowledged as soon
   * as it is stored; failures are recorded on the session and shown with a retry button.
   */
  advanceInBackground(sessionId: string): void {
    this.advance(sessionId).catch((error: unknown) =>
      console.error(`psysim serve: session ${sessionId}: ${(error as Error).message}`),
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
    const card = this.store.getRoleCard(session.dialogue.role_card_id ?? "");
    const assignment = this.store.getAssignment(session.assignmentId);
    if (!card || !assignment)
      throw new PsysimError(
        "NOT_FOUND",
        `session ${sessionId} refers to a card or assignment that is gone`,
      );
    const dialogueKey =
      typeof session.dialogue.meta["item"] === "string"
        ? session.dialogue.meta["item"]
        : itemKey(card.id, assignment, Number(session.dialogue.meta["attempt"] ?? 0));
    const request = (turns: Turn[]) => ({ card, turns, dialogueKey, seed: session.seed });
    try {
      while (session.status === "active" && session.pending) {
        const last = session.dialogue.turns.at(-1);
        if (last?.role === "counselor") {
          if (assignment.mode === "client") return session;
          const turns = session.dialogue.turns;
          const content = await this.engine.clientReply(request(turns));
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
          const reply = await this.engine.counselorReply(
            counselor,
            request(session.dialogue.turns),
          );
          const candidates = { ...session.pending!.candidates, [side]: reply };
          const ready = candidates.a && candidates.b ? { readyAt: this.now() } : {};
          session = this.save({
            ...session,
            error: null,
            pending: { ...session.pending!, candidates, ...ready },
          });
        }
        const { a, b } = session.pending!.candidates;
        // Identical candidates are not put to the judge (the arena's rule): the turn goes on by itself.
        if (!identicalCandidates(a!.content, b!.content)) return session;
        session = this.save(this.continued(session, assignment, a!, b!, null).next);
      }
      return session;
    } catch (error) {
      if (error instanceof PsysimError && error.code === "NOT_FOUND") throw error;
      // The full message may name a model, URL or key: it goes to the admin's log, the annotator sees an id.
      const id = `err-${randomBytes(4).toString("hex")}`;
      const message = error instanceof Error ? error.message : String(error);
      this.store.recordGenerationError({ id, sessionId, message, createdAt: this.now() });
      console.error(`psysim serve: session ${sessionId}: generation failed (${id}): ${message}`);
      return this.save({ ...this.mustGet(sessionId), error: id });
    }
  }

  /**
   * Records the annotator's pick (or skip) as a Battle and continues the dialogue with the
   * picked reply; a tie, "both bad" or skip continues with the turn's seeded coin.
   */
  vote(
    sessionId: string,
    annotator: User,
    turn: number,
    pick: Pick | null,
    details: VoteDetails = {},
  ): VoteResult {
    const session = this.mustGet(sessionId);
    const earlier = this.store.battleForTurn(sessionId, turn);
    const asWinner = (order: PendingTurn["order"]) => (pick ? winnerOf(pick, order) : null);
    if (earlier)
      return {
        kind: "duplicate",
        battle: earlier,
        session,
        samePick: earlier.winner === asWinner(earlier.order ?? "ab"),
      };
    const pending = session.pending;
    if (session.status !== "active" || !pending || pending.turn !== turn)
      throw new PsysimError("CONFLICT", "this turn is no longer open for a vote; reload the page");
    const { a, b } = pending.candidates;
    if (!a || !b)
      throw new PsysimError("CONFLICT", "the candidates for this turn are not ready yet");
    const assignment = this.store.getAssignment(session.assignmentId)!;
    const measured =
      details.timeMs ??
      (pending.readyAt ? Date.parse(this.now()) - Date.parse(pending.readyAt) : undefined);
    const annotation: VoteAnnotation = {
      ...(measured !== undefined && measured >= 0 && measured <= MAX_ITEM_MS
        ? { time_ms: Math.round(measured) }
        : {}),
      ...(details.comment ? { comment: details.comment } : {}),
      ...(details.flags?.length ? { flags: details.flags } : {}),
      ...(details.guidelineVersion ? { guideline_version: details.guidelineVersion } : {}),
      ...(details.skipReason ? { skip_reason: details.skipReason } : {}),
    };
    const verdict: TurnVerdict = {
      winner: asWinner(pending.order),
      judge: `human:${annotator.name}`,
      order: pending.order,
      annotation,
    };
    const { battle, next } = this.continued(session, assignment, a, b, verdict);
    const outcome = this.store.recordVote(battle!, next);
    if (outcome.kind === "duplicate")
      return {
        kind: "duplicate",
        battle: outcome.battle,
        session: this.mustGet(sessionId),
        samePick: outcome.battle.winner === verdict.winner,
      };
    if (outcome.kind === "stale")
      throw new PsysimError("CONFLICT", "this session changed while you voted; reload the page");
    return { kind: "recorded", battle: battle!, session: outcome.session };
  }

  /**
   * Undo of the last vote: the battle is kept, marked retracted, and the session returns to
   * that turn with the same candidates; whatever followed the vote is dropped.
   */
  undo(sessionId: string): ArenaSession {
    const session = this.mustGet(sessionId);
    const last = this.store
      .sessionBattles(sessionId)
      .filter((b) => b.retracted_at === undefined)
      .at(-1);
    if (!last || session.status === "restarted")
      throw new PsysimError("CONFLICT", "there is no vote to undo in this session");
    const keep = 2 * last.turn - 1;
    const decided = session.dialogue.turns[keep];
    const candidates = decided?.candidates;
    if (!decided || decided.role !== "counselor" || candidates?.length !== 2)
      throw new PsysimError("CONFLICT", "this vote can no longer be undone");
    const asReply = (k: 0 | 1): CandidateReply => ({
      content: candidates[k]!.content,
      ...(candidates[k]!.rejected ? { rejected: candidates[k]!.rejected } : {}),
    });
    const { ended_by: _ended, termination_phrase: _phrase, ...open } = session.dialogue;
    const next: ArenaSession = {
      ...session,
      status: "active",
      finishedAt: null,
      error: null,
      dialogue: { ...open, turns: session.dialogue.turns.slice(0, keep) },
      pending: {
        turn: last.turn,
        order: last.order ?? presentationOrder(session.seed, last.turn),
        candidates: { a: asReply(0), b: asReply(1) },
        readyAt: this.now(),
      },
    };
    if (!this.store.retractVote(last.id, this.now(), next))
      throw new PsysimError("CONFLICT", "this session changed meanwhile; reload the page");
    return this.mustGet(sessionId);
  }

  /** Second mode: the annotator, as the client, says the next line. */
  async say(sessionId: string, text: string): Promise<ArenaSession> {
    const session = this.mustGet(sessionId);
    const content = text.trim();
    if (!content)
      throw new PsysimError("INPUT_INVALID", "write something to say to the counselors first");
    if (session.status !== "active" || session.dialogue.turns.at(-1)?.role !== "counselor")
      throw new PsysimError("CONFLICT", "it is not the client's turn; reload the page");
    const turns: Turn[] = [
      ...session.dialogue.turns,
      { role: "client", content, speaker: String(session.dialogue.meta["client"]) },
    ];
    // A person typing may be in real distress: the page then shows support resources, and
    // the export carries the flag (meta.crisis_flags: turn index and the words that matched).
    const terms = crisisTerms(content);
    const flags = crisisFlags(session.dialogue);
    const meta =
      terms.length > 0
        ? { ...session.dialogue.meta, crisis_flags: [...flags, { turn: turns.length - 1, terms }] }
        : session.dialogue.meta;
    this.save({ ...session, dialogue: { ...session.dialogue, turns, meta } });
    return this.advance(sessionId);
  }

  /** Second mode: the annotator, as the client, leaves the session after a counselor turn. */
  leave(sessionId: string): ArenaSession {
    const session = this.mustGet(sessionId);
    if (session.status !== "active" || session.dialogue.turns.at(-1)?.role !== "counselor")
      throw new PsysimError("CONFLICT", "a session can be ended only after a counselor's reply");
    return this.save(
      finished(session, { ...session.dialogue, ended_by: "client_exit" }, this.now()),
    );
  }

  /** The turn decided (arena-turn's `decideTurn`) and the session state it leads to. */
  private continued(
    session: ArenaSession,
    assignment: Assignment,
    a: CandidateReply,
    b: CandidateReply,
    verdict: TurnVerdict | null,
  ): { battle: Battle | null; next: ArenaSession } {
    const turn = session.pending!.turn;
    const history = session.dialogue.turns;
    const earlierVotes = this.store.sessionBattles(session.id).filter((x) => x.turn === turn);
    const decided = decideTurn({
      battleId: humanBattleId(session.id, turn, earlierVotes.length),
      dialogueId: session.id,
      context: { turn, seed: session.seed },
      history,
      names: [assignment.counselorA, assignment.counselorB],
      replies: [a, b],
      verdict,
      ts: this.now(),
    });
    const dialogue: Dialogue = { ...session.dialogue, turns: [...history, decided.turn] };
    const phrase = this.engine.terminationPhrase(decided.turn.content, dialogue.language);
    const next: ArenaSession =
      phrase !== null || counselorTurnCount(dialogue.turns) >= this.engine.maxTurns
        ? finished(
            session,
            {
              ...dialogue,
              ended_by: phrase !== null ? "termination_phrase" : "max_turns",
              ...(phrase !== null ? { termination_phrase: phrase } : {}),
            },
            this.now(),
          )
        : { ...session, error: null, dialogue, pending: newPending(session.seed, turn + 1) };
    return { battle: decided.battle, next };
  }

  private save(session: ArenaSession): ArenaSession {
    const saved = this.store.saveArenaSession(session);
    if (!saved)
      throw new PsysimError("CONFLICT", "this session changed in another window; reload the page");
    return saved;
  }

  private mustGet(sessionId: string): ArenaSession {
    const session = this.store.getArenaSession(sessionId);
    if (!session) throw new PsysimError("NOT_FOUND", `no session ${sessionId}`);
    return session;
  }
}

function winnerOf(pick: Pick, order: PendingTurn["order"]): Winner {
  if (pick === "tie") return "tie";
  if (pick === "both_bad") return "both_bad";
  return sideShownAs(pick, order);
}

function finished(session: ArenaSession, dialogue: Dialogue, at: string): ArenaSession {
  return {
    ...session,
    status: "finished",
    pending: null,
    error: null,
    finishedAt: at,
    dialogue: { ...dialogue, meta: { ...dialogue.meta, finished_at: at } },
  };
}

/** Positions come from the arena turn's seeded coin, so a replay shows the same layout. */
function newPending(seed: number, turn: number): PendingTurn {
  if (!Number.isInteger(turn) || turn < 1)
    throw new Error(`counselor turns count from 1, got ${turn}`);
  return { turn, order: presentationOrder(seed, turn), candidates: {} };
}
