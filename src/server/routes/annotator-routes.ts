import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Battle } from "../../core/battle.js";
import type { AnnotationStore, ArenaSession, User } from "../annotation-store.js";
import { PICKS, type ArenaSessions, type Pick } from "../arena-sessions.js";
import type { SessionEngine } from "../session-engine.js";
import { assignmentsPage } from "../views/assignments-page.js";
import { sessionPage } from "../views/session-page.js";
import { pageContext, requireUser, type AuthEnv } from "../web-auth.js";

async function field(c: Context, name: string): Promise<string> {
  const value = (await c.req.parseBody())[name];
  return typeof value === "string" ? value : "";
}

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
    found.dialogue.turns.forEach((turn, i) => {
      if (turn.role !== "counselor") return;
      const battle = store.battleForTurn(found.id, (i + 1) / 2);
      if (battle) battles.set(i, battle);
    });
    return c.html(
      sessionPage(pageContext(c), {
        session: found,
        assignment,
        card,
        maxTurns: engine.maxTurns,
        battles,
      }),
    );
  });

  app.post("/sessions/:id/vote", async (c) => {
    const found = session(c, "write");
    const pick = (await field(c, "pick")) as Pick;
    const turn = Number(await field(c, "turn"));
    if (!PICKS.includes(pick) || !Number.isInteger(turn))
      throw new HTTPException(400, {
        message: "a vote needs a turn and a pick (A, B, tie or both_bad)",
      });
    const result = sessions.vote(found.id, c.get("user") as User, turn, pick);
    if (result.kind === "recorded" && result.session.status === "active")
      sessions.advanceInBackground(found.id);
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
    await sessions.say(found.id, await field(c, "text"));
    return back(c, found.id);
  });

  app.post("/sessions/:id/leave", (c) => {
    sessions.leave(session(c, "write").id);
    return back(c, c.req.param("id"));
  });

  return app;
}
