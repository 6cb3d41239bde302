import type { Battle } from "../core/battle.js";
import type { Dialogue } from "../core/dialogue.js";
import type { CandidateReply, PresentationOrder, Side } from "../arena/arena-turn.js";
import type { ThrottleStore } from "./login-rate-limit.js";
import type { RoleCard } from "../core/role-card.js";

export type UserRole = "admin" | "annotator";
export type AssignmentMode = "arena" | "client";
export type SessionStatus = "active" | "finished" | "restarted";

export interface User {
  id: number;
  name: string;
  role: UserRole;
  createdAt: string;
  /** Set when the admin disabled the account: it cannot sign in and its sessions end. */
  disabledAt?: string | null;
}

export interface WebSession {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

export interface Assignment {
  id: number;
  annotatorId: number;
  annotatorName: string;
  cardId: string;
  counselorA: string;
  counselorB: string;
  mode: AssignmentMode;
  createdAt: string;
}

/** The counselor turn being decided: candidates arrive one by one and are kept as they come. */
export interface PendingTurn {
  /** The counselor turn being decided, 1-based as in Algorithm 2 (and as `Battle.turn`). */
  turn: number;
  /** `ab`: counselor a is shown as A; `ba`: counselor b is shown as A. */
  order: PresentationOrder;
  candidates: Partial<Record<Side, CandidateReply>>;
  /** When both candidates were ready: the server's measure of time on the item when the page sends none. */
  readyAt?: string;
}

export interface ArenaSession {
  id: string;
  assignmentId: number;
  annotatorId: number;
  seed: number;
  status: SessionStatus;
  dialogue: Dialogue;
  pending: PendingTurn | null;
  /** Id of the last generation failure (see `generationError`), shown with a retry button; cleared by the next success. */
  error: string | null;
  /** Bumped on every write: a write based on a stale read is refused. */
  version: number;
  startedAt: string;
  finishedAt: string | null;
}

export interface AnnotatorProgress {
  annotatorId: number;
  name: string;
  assignments: number;
  finished: number;
  active: number;
  votes: number;
  lastVoteAt: string | null;
}

export type VoteOutcome =
  | { kind: "recorded"; session: ArenaSession }
  | { kind: "duplicate"; battle: Battle }
  | { kind: "stale" };

export interface GenerationError {
  id: string;
  sessionId: string;
  message: string;
  createdAt: string;
}

export interface NewInvite {
  tokenHash: string;
  name: string;
  role: UserRole;
  createdBy: number;
  expiresAt: string;
}

export interface NewAssignment {
  annotatorId: number;
  cardId: string;
  counselorA: string;
  counselorB: string;
  mode: AssignmentMode;
}

/**
 * Everything the annotation platform keeps. Routes talk to this interface only, so they
 * can be tested in-process against a throwaway database.
 */
export interface PendingInvite {
  name: string;
  role: UserRole;
  createdAt: string;
  expiresAt: string;
}

export interface AnnotationStore extends ThrottleStore {
  countUsers(role?: UserRole): number;
  createUser(name: string, role: UserRole, passwordHash: string): User;
  getUser(id: number): User | null;
  findLogin(name: string): { user: User; passwordHash: string } | null;
  listUsers(): User[];

  /** Issues the one-time admin setup token; any earlier unused one stops working. */
  createSetupToken(tokenHash: string): void;
  /** Marks a setup token used and creates the admin, atomically; null if the token is unknown or spent. */
  consumeSetupToken(tokenHash: string, name: string, passwordHash: string): User | null;

  createInvite(invite: NewInvite): void;
  findOpenInvite(tokenHash: string, now: string): { name: string; role: UserRole } | null;
  /** Invites not yet accepted and not expired, newest first. */
  listPendingInvites(now: string): PendingInvite[];
  /** Creates the invited account and spends the invite, atomically; null if it is spent, expired or the name is taken. */
  acceptInvite(tokenHash: string, passwordHash: string, now: string): User | null;

  createWebSession(idHash: string, userId: number, csrfToken: string, expiresAt: string): void;
  findWebSession(idHash: string, now: string): WebSession | null;
  deleteWebSession(idHash: string): void;
  /** Signs a user out everywhere; returns how many sessions ended. */
  deleteUserWebSessions(userId: number): number;
  /** Disables (or enables again) an account; disabling also ends its web sessions. */
  setUserDisabled(userId: number, disabled: boolean, at: string): void;
  /** Drops expired web sessions and invites and login counters idle for `idleMs`; returns rows removed. */
  purgeExpired(now: Date, idleMs: number): number;

  /** Adds new cards and replaces cards with the same id; returns how many were added and replaced. */
  upsertRoleCards(cards: RoleCard[]): { added: number; replaced: number };
  getRoleCard(id: string): RoleCard | null;
  listRoleCards(): RoleCard[];

  createAssignments(assignments: NewAssignment[]): number;
  getAssignment(id: number): Assignment | null;
  /** Deletes an assignment that has no sessions yet; false if it has some (reassign instead). */
  deleteAssignment(id: number): boolean;
  /** Gives an assignment to another annotator; only while it has no sessions. */
  reassignAssignment(id: number, annotatorId: number): boolean;
  listAssignments(filter?: { annotatorId?: number }): Assignment[];
  annotatorProgress(): AnnotatorProgress[];

  createArenaSession(
    session: Omit<ArenaSession, "version" | "finishedAt" | "error" | "status">,
  ): ArenaSession;
  getArenaSession(id: string): ArenaSession | null;
  listSessions(filter: { assignmentId?: number; annotatorId?: number }): ArenaSession[];
  /** Writes a session if nobody wrote it since `session.version` was read; returns the new state or null if stale. */
  saveArenaSession(session: ArenaSession): ArenaSession | null;
  /**
   * Stores a human vote and the session it advances in one transaction. A second vote on
   * the same turn returns the first (double submit); a write on a stale read is refused.
   */
  recordVote(battle: Battle, next: ArenaSession): VoteOutcome;
  /** The live (not retracted) vote on a turn. */
  battleForTurn(sessionId: string, turn: number): Battle | null;
  /** Every vote of a session, retracted ones included, in the order cast. */
  sessionBattles(sessionId: string): Battle[];
  /** Marks a vote retracted and stores the session it returns to, in one transaction; false if either changed meanwhile. */
  retractVote(battleId: string, at: string, next: ArenaSession): boolean;

  /** Keeps a generation failure for the admin; annotators see only its id. */
  recordGenerationError(error: GenerationError): void;
  generationError(id: string): GenerationError | null;
  listGenerationErrors(limit: number): GenerationError[];

  getSetting(key: string): { value: string; updatedAt: string } | null;
  putSetting(key: string, value: string): void;

  /** Adds battles judged elsewhere (e.g. `psysim arena` output); ids already present are skipped. */
  importBattles(battles: Battle[]): { added: number; skipped: number };
  /** Battles in the order stored; retracted ones only with `includeRetracted`. */
  iterateBattles(filter?: {
    source?: "human" | "import";
    includeRetracted?: boolean;
  }): IterableIterator<Battle>;
  iterateSessions(): IterableIterator<ArenaSession & { annotatorName: string; cardId: string }>;

  integrityCheck(): string;
  close(): void;
}
