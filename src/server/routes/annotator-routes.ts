import { Hono, type Context } from "hono";
import { formField, formFields } from "../form-body.js";
import { HTTPException } from "hono/http-exception";
import type { Battle } from "../../core/battle.js";
import type { AnnotationStore, ArenaSession, User } from "../annotation-store.js";
import {
  PICKS,
  type ArenaSessions,
  type Pick,
  type VoteDetails,
  type VoteResult,
} from "../arena-sessions.js";
import { VOTE_FLAGS, type VoteFlag } from "../../core/battle.js";
import { PsysimError } from "../../core/errors.js";
import { t } from "../views/i18n.js";
import { currentGuidelines } from "../guidelines.js";
import { crisisFlags } from "../arena-sessions.js";
import { supportResources } from "../views/support-resources.js";
import type { SessionEngine } from "../session-engine.js";
import { assignmentsPage } from "../views/assignments-page.js";
import { sessionPage } from "../views/session-page.js";
import { pageContext, requireUser, type AuthEnv } from "../web-auth.js";

/** Comments and skip reasons are notes, not essays. */
const MAX_COMMENT = 2000;

/** The annotator's pages: their own assignments and sessions only; anyone else's are "not found". */
export function annotatorRoutes(
  store: AnnotationStore,
  sessions: ArenaSessions,
  engine: SessionEngine,
): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use("*", requireUser());

  const ownAssignment = (c: Context<AuthEnv>) => {
    const assignment = store.getAssignment(Number(c.req.param("id")));
    if (!assignment || assignment.annotatorId !== c.get("user")!.id)
      throw new HTTPException(404, { message: "no such assignment" });
    return assignment;
  };

  /** Sessions are written by their annotator only; the admin may read any (e.g. to check a report). */
  const session = (c: Context<AuthEnv>, access: "read" | "write"): ArenaSession => {
    const user = c.get("user")!;
    const found = store.getArenaSession(c.req.param("id") ?? "");
    const allowed =
      found && (found.annotatorId === user.id || (access === "read" && user.role === "admin"));
    if (!found || !allowed) throw new HTTPException(404, { message: "no such session" });
    return found;
  };

  const back = (c: Context, id: string) => c.redirect(`/sessions/${id}#actions`, 303);

  app.get("/", (c) => {
    const user = c.get("user")!;
    if (user.role === "admin") return c.redirect("/admin", 303);
    const rows = store.listAssignments({ annotatorId: user.id }).map((assignment) => {
      const all = store.listSessions({ assignmentId: assignment.id });
      return {
        assignment,
        card: store.getRoleCard(assignment.cardId),
        latest: all.at(-1) ?? null,
        finishedSessions: all.filter((s) => s.status === "finished").length,
      };
    });
    return c.html(assignmentsPage(pageContext(c), rows));
  });

  app.post("/assignments/:id/start", async (c) => {
    const assignment = ownAssignment(c);
    const active = store
      .listSessions({ assignmentId: assignment.id })
      .find((s) => s.status === "active");
    const started = active ?? (await sessions.start(assignment, c.get("user")!));
    return back(c, started.id);
  });

  app.get("/sessions/:id", async (c) => {
    await sessions.settled(session(c, "read").id);
    const found = session(c, "read");
    const assignment = store.getAssignment(found.assignmentId)!;
    const card = store.getRoleCard(assignment.cardId);
    if (!card) throw new HTTPException(404, { message: "the role card of this session is gone" });
    const battles = new Map<number, Battle>();
    for (const battle of store.sessionBattles(found.id))
      if (battle.retracted_at === undefined) battles.set(2 * battle.turn - 1, battle);
    const own = store.listSessions({ annotatorId: found.annotatorId });
    const unfinished = store
      .listAssignments({ annotatorId: found.annotatorId })
      .filter(
        (a) =>
          a.id !== assignment.id &&
          !store.listSessions({ assignmentId: a.id }).some((s) => s.status === "finished"),
      );
    return c.html(
      sessionPage(pageContext(c), {
        session: found,
        assignment,
        card,
        maxTurns: engine.maxTurns,
        battles,
        guidelines: currentGuidelines(store, c.get("lang")),
        firstSession: own.length <= 1,
        nextAssignment: unfinished.find((a) => a.id > assignment.id) ?? unfinished[0] ?? null,
        support:
          assignment.mode === "client" && crisisFlags(found.dialogue).length > 0
            ? supportResources(store, c.get("lang"))
            : null,
      }),
    );
  });

  const voteDetails = async (c: Context<AuthEnv>): Promise<VoteDetails> => {
    const timeMs = Number(await formField(c, "time_ms"));
    const comment = (await formField(c, "comment")).trim().slice(0, MAX_COMMENT);
    const flags = (await formFields(c, "flag")).filter((f): f is VoteFlag =>
      (VOTE_FLAGS as readonly string[]).includes(f),
    );
    const guideline = await formField(c, "guideline");
    return {
      ...(Number.isInteger(timeMs) && timeMs > 0 ? { timeMs } : {}),
      ...(comment ? { comment } : {}),
      ...(flags.length ? { flags: [...new Set(flags)] } : {}),
      ...(/^[\w.@-]{1,80}$/.test(guideline) ? { guidelineVersion: guideline } : {}),
    };
  };

  const voted = (c: Context<AuthEnv>, id: string, result: VoteResult) => {
    if (result.kind === "recorded") {
      if (result.session.status === "active") sessions.advanceInBackground(id);
      return back(c, id);
    }
    // A double submit of the same pick is harmless; a different pick lost the race and must say so.
    if (result.samePick) return back(c, id);
    throw new PsysimError("CONFLICT", t(c.get("lang"), "voteLost", { turn: result.battle.turn }));
  };

  const openTurn = async (c: Context<AuthEnv>): Promise<number> => {
    const turn = Number(await formField(c, "turn"));
    if (!Number.isInteger(turn) || turn < 1)
      throw new HTTPException(400, { message: "a vote needs the turn it is for" });
    return turn;
  };

  app.post("/sessions/:id/vote", async (c) => {
    const found = session(c, "write");
    const pick = (await formField(c, "pick")) as Pick;
    const turn = await openTurn(c);
    if (!PICKS.includes(pick))
      throw new HTTPException(400, {
        message: "a vote needs a turn and a pick (A, B, tie or both_bad)",
      });
    const details = await voteDetails(c);
    return voted(c, found.id, sessions.vote(found.id, c.get("user") as User, turn, pick, details));
  });

  app.post("/sessions/:id/skip", async (c) => {
    const found = session(c, "write");
    const turn = await openTurn(c);
    const reason = (await formField(c, "reason")).trim().slice(0, MAX_COMMENT);
    if (!reason) throw new HTTPException(400, { message: t(c.get("lang"), "skipNeedsReason") });
    const details = { ...(await voteDetails(c)), skipReason: reason };
    return voted(c, found.id, sessions.vote(found.id, c.get("user") as User, turn, null, details));
  });

  app.post("/sessions/:id/undo", async (c) => {
    const found = session(c, "write");
    await sessions.settled(found.id);
    sessions.undo(found.id);
    return back(c, found.id);
  });

  app.post("/sessions/:id/retry", async (c) => {
    await sessions.advance(session(c, "write").id);
    return back(c, c.req.param("id"));
  });

  app.post("/sessions/:id/restart", async (c) => {
    const found = session(c, "write");
    const fresh = await sessions.restart(
      found,
      store.getAssignment(found.assignmentId)!,
      c.get("user")!,
    );
    return back(c, fresh.id);
  });

  app.post("/sessions/:id/say", async (c) => {
    const found = session(c, "write");
    await sessions.say(found.id, await formField(c, "text"));
    return back(c, found.id);
  });

  app.post("/sessions/:id/leave", (c) => {
    sessions.leave(session(c, "write").id);
    return back(c, c.req.param("id"));
  });

  return app;
}
