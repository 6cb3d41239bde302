import type { Dialogue } from "../core/dialogue.js";
import type { ArenaSession } from "./annotation-store.js";

/**
 * A session as a Dialogue record (DESIGN.md §2) for export; who annotated it, its status and
 * any undecided candidates go under `meta.annotation`, so unfinished work is exported too.
 */
export function sessionRecord(
  session: ArenaSession & { annotatorName: string; cardId: string },
): Dialogue {
  return {
    ...session.dialogue,
    meta: {
      ...session.dialogue.meta,
      annotation: {
        annotator: session.annotatorName,
        assignment_id: session.assignmentId,
        status: session.status,
        started_at: session.startedAt,
        finished_at: session.finishedAt,
        ...(session.pending ? { pending: session.pending } : {}),
        ...(session.error ? { error: session.error } : {}),
      },
    },
  };
}
