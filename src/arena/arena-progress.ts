import { readJsonl } from "../core/jsonl.js";
import { sha256 } from "../core/hash.js";
import { identicalCandidates, type Battle } from "../core/battle.js";
import type { Dialogue } from "../core/dialogue.js";

/**
 * What an earlier arena run left on disk. A session is finished only when its dialogue AND
 * every battle that dialogue implies (one per counselor turn whose two candidates differ) are written;
 * anything less (a deleted or truncated battles file, a dialogue lost after its battles) is
 * redone. The fingerprints let a redo check it reproduced what is already recorded.
 */
export interface ArenaProgress {
  finished: Set<string>;
  /** Recorded dialogues by id: a fingerprint of their turns. */
  dialogues: Map<string, string>;
  /** Recorded battles by id: a fingerprint of the comparison (history and both replies). */
  battles: Map<string, string>;
}

export function dialogueFingerprint(dialogue: Pick<Dialogue, "turns">): string {
  return sha256(JSON.stringify(dialogue.turns));
}

export function battleFingerprint(battle: Battle): string {
  return sha256(
    JSON.stringify([
      battle.history_ref,
      battle.model_a,
      battle.model_b,
      battle.response_a,
      battle.response_b,
    ]),
  );
}

export async function readArenaProgress(
  battlesFile: string,
  dialoguesFile: string,
): Promise<ArenaProgress> {
  const battles = new Map<string, string>();
  const battlesPerDialogue = new Map<string, number>();
  for await (const { value } of readJsonl(battlesFile)) {
    const battle = value as Battle;
    if (typeof battle.id !== "string" || battles.has(battle.id)) continue;
    battles.set(battle.id, battleFingerprint(battle));
    battlesPerDialogue.set(
      battle.dialogue_id,
      (battlesPerDialogue.get(battle.dialogue_id) ?? 0) + 1,
    );
  }
  const dialogues = new Map<string, string>();
  const finished = new Set<string>();
  for await (const { value } of readJsonl(dialoguesFile)) {
    const dialogue = value as Dialogue;
    if (typeof dialogue.id !== "string" || !Array.isArray(dialogue.turns)) continue;
    dialogues.set(dialogue.id, dialogueFingerprint(dialogue));
    // Turns whose two candidates were identical were not judged and have no battle.
    const expected = dialogue.turns.filter(
      (t) =>
        t.candidates?.length === 2 &&
        !identicalCandidates(t.candidates[0]!.content, t.candidates[1]!.content),
    ).length;
    if ((battlesPerDialogue.get(dialogue.id) ?? 0) >= expected) finished.add(dialogue.id);
  }
  return { finished, dialogues, battles };
}
