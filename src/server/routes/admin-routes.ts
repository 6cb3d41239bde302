import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join } from "node:path";
import { formBody, formField } from "../form-body.js";
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { PsysimError } from "../../core/errors.js";
import { deriveSeed, SeededRandom } from "../../core/random.js";
import { readBattles, readRoleCards } from "../../core/read-records.js";
import type { AnnotationStore, AssignmentMode, NewAssignment } from "../annotation-store.js";
import { sessionRecord } from "../session-export.js";
import type { SessionEngine } from "../session-engine.js";
import { randomToken, tokenHash } from "../tokens.js";
import { adminPage, type AdminView } from "../views/admin-page.js";
import { t, type MessageKey } from "../views/i18n.js";
import { pageContext, requireUser, type AuthEnv } from "../web-auth.js";
import type { ArenaSessions } from "../arena-sessions.js";
import { currentGuidelines, setGuidelines } from "../guidelines.js";
import { SUPPORT_SETTING } from "../views/support-resources.js";
import { nameSkeleton, normaliseName, validName } from "../user-names.js";

export interface AdminRouteOptions {
  store: AnnotationStore;
  engine: SessionEngine;
  now: () => Date;
  inviteTtlMs: number;
  /** Seeds the random counselor pairs the admin may ask for. */
  seed: number;
  isBaseline: boolean;
  /** `--public-url`'s origin: invite links are built from it rather than from the request. */
  publicOrigin?: string;
  sessions: ArenaSessions;
}

const UPLOAD_EXTENSIONS = new Set([".jsonl", ".json", ".yaml", ".yml"]);

/**
 * Reads an uploaded file with psysim's validating readers. The upload is written under a
 * fresh temporary folder with a sanitised name (never a path the client chose) and removed after.
 */
async function readUpload<T>(c: Context, read: (file: string) => Promise<T>): Promise<T> {
  const raw = (await formBody(c))["file"];
  const file = Array.isArray(raw) ? raw[0] : raw;
  if (!(file instanceof File)) throw new PsysimError("INPUT_INVALID", "choose a file to upload");
  const ext = extname(file.name).toLowerCase();
  const name =
    basename(file.name)
      .replace(/[^\w.-]/g, "_")
      .slice(0, 80) || "upload";
  const dir = mkdtempSync(join(tmpdir(), "psysim-upload-"));
  try {
    const path = join(dir, UPLOAD_EXTENSIONS.has(ext) ? name : `${name}.jsonl`);
    writeFileSync(path, Buffer.from(await file.arrayBuffer()));
    try {
      return await read(path);
    } catch (error) {
      if (error instanceof PsysimError)
        throw new PsysimError(error.code, error.message.split(`${dir}/`).join(""));
      throw error;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function jsonlStream(records: () => IterableIterator<unknown>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let iterator: IterableIterator<unknown> | undefined;
  return new ReadableStream({
    pull(controller) {
      iterator ??= records();
      // Up to 200 records a chunk: small enough to keep memory flat, large enough to be quick.
      let chunk = "";
      for (let n = 0; n < 200; n++) {
        const next = iterator.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += JSON.stringify(next.value) + "\n";
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
}

export function adminRoutes(options: AdminRouteOptions): Hono<AuthEnv> {
  const { store, engine } = options;
  const app = new Hono<AuthEnv>();
  app.use("*", requireUser("admin"));

  const view = (notice?: AdminView["notice"]): AdminView => {
    let imported = 0;
    for (const _ of store.iterateBattles({ source: "import" })) imported++;
    const now = options.now().toISOString();
    return {
      progress: store.annotatorProgress(),
      annotators: store.listUsers().filter((u) => u.role === "annotator"),
      pendingInvites: store.listPendingInvites(now),
      errors: store.listGenerationErrors(20),
      guidelines: store.getSetting("guidelines")?.value ?? "",
      support: store.getSetting(SUPPORT_SETTING)?.value ?? "",
      guidelineVersion: currentGuidelines(store, "zh").version,
      cards: store.listRoleCards(),
      counselors: engine.counselorNames(),
      assignments: store.listAssignments(),
      importedBattles: imported,
      isBaseline: options.isBaseline,
      ...(notice ? { notice } : {}),
    };
  };
  const render = (c: Context<AuthEnv>, notice?: AdminView["notice"], status: 200 | 400 = 200) =>
    c.html(adminPage(pageContext(c), view(notice)), status);
  const problem = (c: Context<AuthEnv>, text: string) => render(c, { text, isProblem: true }, 400);
  const say = (
    c: Context<AuthEnv>,
    key: MessageKey,
    values: Record<string, string | number> = {},
  ) => t(c.get("lang"), key, values);

  app.get("/", (c) => render(c));

  app.post("/invites", async (c) => {
    const name = normaliseName(await formField(c, "name"));
    if (!validName(name)) return problem(c, say(c, "badName"));
    // Look-alikes (ａｄｍｉｎ, Cyrillic аdmin) would pass for someone else in every judge id.
    const skeleton = nameSkeleton(name);
    const taken = [
      ...store.listUsers().map((u) => u.name),
      ...store.listPendingInvites(options.now().toISOString()).map((i) => i.name),
    ].find((other) => nameSkeleton(other) === skeleton);
    if (taken) return problem(c, say(c, "nameTaken", { name, other: taken }));
    const token = randomToken();
    store.createInvite({
      tokenHash: tokenHash(token),
      name,
      role: "annotator",
      createdBy: c.get("user")!.id,
      expiresAt: new Date(options.now().getTime() + options.inviteTtlMs).toISOString(),
    });
    const origin = options.publicOrigin ?? new URL(c.req.url).origin;
    return render(c, {
      text: say(c, "inviteCreated", { name }),
      link: `${origin}/invite/${token}`,
    });
  });

  app.post("/support", async (c) => {
    store.putSetting(SUPPORT_SETTING, (await formField(c, "text")).slice(0, 5_000).trim());
    return render(c, { text: say(c, "guidelinesSaved") });
  });

  app.post("/guidelines", async (c) => {
    setGuidelines(store, (await formField(c, "text")).slice(0, 20_000));
    return render(c, { text: say(c, "guidelinesSaved") });
  });

  const targetUser = (c: Context<AuthEnv>) => {
    const user = store.getUser(Number(c.req.param("id")));
    if (!user || user.role !== "annotator")
      throw new HTTPException(404, { message: "no such annotator" });
    return user;
  };
  app.post("/users/:id/disable", (c) => {
    const user = targetUser(c);
    store.setUserDisabled(user.id, true, options.now().toISOString());
    return render(c, { text: say(c, "userDisabled", { name: user.name }) });
  });
  app.post("/users/:id/enable", (c) => {
    const user = targetUser(c);
    store.setUserDisabled(user.id, false, options.now().toISOString());
    return render(c, { text: say(c, "userEnabled", { name: user.name }) });
  });
  app.post("/users/:id/sign-out", (c) => {
    const user = targetUser(c);
    const ended = store.deleteUserWebSessions(user.id);
    return render(c, { text: say(c, "userSignedOut", { name: user.name, n: ended }) });
  });

  app.post("/assignments/:id/delete", (c) => {
    const id = Number(c.req.param("id"));
    if (!store.getAssignment(id)) throw new HTTPException(404, { message: "no such assignment" });
    if (!store.deleteAssignment(id)) return problem(c, say(c, "assignmentStarted", { id }));
    return render(c, { text: say(c, "assignmentDeleted", { id }) });
  });
  app.post("/assignments/:id/reassign", async (c) => {
    const id = Number(c.req.param("id"));
    if (!store.getAssignment(id)) throw new HTTPException(404, { message: "no such assignment" });
    const annotator = store.getUser(Number(await formField(c, "annotator")));
    if (!annotator || annotator.role !== "annotator") return problem(c, say(c, "chooseAnnotator"));
    if (!store.reassignAssignment(id, annotator.id))
      return problem(c, say(c, "assignmentStarted", { id }));
    return render(c, { text: say(c, "assignmentReassigned", { id, name: annotator.name }) });
  });

  app.get("/errors/:id", (c) => {
    const error = store.generationError(c.req.param("id"));
    if (!error) throw new HTTPException(404, { message: "no such error id" });
    return render(c, {
      text: `${error.id} · ${error.createdAt} · ${error.sessionId}: ${error.message}`,
      isProblem: true,
    });
  });

  app.post("/cards", async (c) => {
    try {
      const cards = await readUpload(c, readRoleCards);
      const { added, replaced } = store.upsertRoleCards(cards);
      return render(c, {
        text: say(c, "cardsRead", { n: cards.length, added, replaced }),
      });
    } catch (error) {
      if (error instanceof PsysimError)
        return problem(c, `${say(c, "fileProblem")} ${error.message}`);
      throw error;
    }
  });

  app.post("/battles", async (c) => {
    try {
      const battles = await readUpload(c, readBattles);
      const { added, skipped } = store.importBattles(battles);
      return render(c, {
        text: say(c, "battlesRead", { n: battles.length, added, skipped }),
      });
    } catch (error) {
      if (error instanceof PsysimError)
        return problem(c, `${say(c, "fileProblem")} ${error.message}`);
      throw error;
    }
  });

  app.post("/assignments", async (c) => {
    const body = await formBody(c);
    const one = (key: string) =>
      Array.isArray(body[key])
        ? String((body[key] as unknown[])[0])
        : typeof body[key] === "string"
          ? (body[key] as string)
          : "";
    const annotator = store.getUser(Number(one("annotator")));
    if (!annotator || annotator.role !== "annotator") return problem(c, say(c, "chooseAnnotator"));
    const mode = one("mode") as AssignmentMode;
    if (mode !== "arena" && mode !== "client") return problem(c, say(c, "chooseMode"));
    const names = engine.counselorNames();
    const chosen =
      body["card"] === undefined ? [] : ([] as unknown[]).concat(body["card"]).map(String);
    const cardIds = one("all_cards") ? store.listRoleCards().map((card) => card.id) : chosen;
    if (cardIds.length === 0) return problem(c, say(c, "chooseCards"));
    const missing = cardIds.find((id) => !store.getRoleCard(id));
    if (missing) return problem(c, say(c, "noSuchCard", { id: missing }));
    const random = new SeededRandom(
      deriveSeed(options.seed, `pairs/${annotator.id}/${store.listAssignments().length}`),
    );
    const assignments: NewAssignment[] = [];
    for (const cardId of cardIds) {
      const [a, b] = one("random_pair")
        ? random.shuffle(names).slice(0, 2)
        : [one("counselor_a"), one("counselor_b")];
      if (!a || !b || !names.includes(a) || !names.includes(b))
        return problem(c, say(c, "chooseCounselors", { list: names.join(", ") }));
      if (a === b) return problem(c, say(c, "twoDifferentCounselors"));
      assignments.push({ annotatorId: annotator.id, cardId, counselorA: a, counselorB: b, mode });
    }
    const created = store.createAssignments(assignments);
    return render(c, { text: say(c, "assignmentsCreated", { n: created, name: annotator.name }) });
  });

  // Exports are fixed names streamed from the database; no request part ever becomes a path.
  // Undone votes are left out unless asked for (`?retracted=1`), as `ratings` leaves them out.
  const exports: Record<string, (retracted: boolean) => IterableIterator<unknown>> = {
    "battles.jsonl": (retracted) => store.iterateBattles({ includeRetracted: retracted }),
    "sessions.jsonl": function* () {
      for (const s of store.iterateSessions()) yield sessionRecord(s);
    },
  };
  app.get("/export/:name", (c) => {
    const name = c.req.param("name");
    const records = Object.hasOwn(exports, name) ? exports[name] : undefined;
    if (!records) throw new HTTPException(404, { message: "unknown export" });
    return new Response(
      jsonlStream(() => records(c.req.query("retracted") === "1")),
      {
        headers: {
          "content-type": "application/x-ndjson; charset=utf-8",
          "content-disposition": `attachment; filename="${name}"`,
          "cache-control": "no-store",
        },
      },
    );
  });

  return app;
}
