import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import type { Turn } from "../core/dialogue.js";
import type { CandidateReply } from "../arena/arena-turn.js";

export interface EngineRequest {
  card: RoleCard;
  /** The shared history so far, starting with the client's greeting. */
  turns: Turn[];
  /**
   * The dialogue part of the calls' sample keys (see ChatRequest.sampleKey). Sessions of the
   * same card share it, so equal histories replay equal answers from the cache and two
   * annotators can judge the very same item.
   */
  dialogueKey: string;
  /** The session's seed, from which each call derives its own (as in the CLI arena). */
  seed: number;
}

/**
 * What the platform needs from the simulation: the client Ω, the counselors Ψ (with σ
 * applied) and the termination rule g of Algorithm 2. The supervisor π is the human.
 */
export interface SessionEngine {
  /** Model spec of the simulated client, recorded in each session's meta. */
  readonly clientSpec: string;
  /** Algorithm 1's T: a session ends after this many counselor turns. */
  readonly maxTurns: number;
  /** Counselor names the admin may pair. */
  counselorNames(): string[];
  /** The client's fixed first line (`你好` / `Hello`). */
  greeting(language: Language): string;
  clientReply(request: EngineRequest): Promise<string>;
  counselorReply(counselor: string, request: EngineRequest): Promise<CandidateReply>;
  /** The termination phrase in a counselor reply, or null if the session goes on. */
  terminationPhrase(reply: string, language: Language): string | null;
}
