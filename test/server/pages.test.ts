import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { arenaCounselor } from "../../src/arena/arena-counselor.js";
import type { Battle } from "../../src/core/battle.js";
import { normaliseRoleCard } from "../../src/core/role-card.js";
import type { ChatModel } from "../../src/llm/chat-model.js";
import { createOpenAICompatibleChatModel } from "../../src/llm/providers/openai-compatible.js";
import type { User } from "../../src/server/annotation-store.js";
import { SimulationSessionEngine } from "../../src/server/simulation-session-engine.js";
import { randomToken, tokenHash } from "../../src/server/tokens.js";
import {
  startFakeOpenAIServer,
  type FakeChatBody,
  type FakeOpenAIServer,
} from "../fixtures/fake-openai-server.js";
import { screenshotDir } from "../helpers.js";
import { launchChromium, skipWithoutChromium } from "../report/chromium.js";
import {
  addAnnotator,
  ADMIN_PASSWORD,
  ANNOTATOR_PASSWORD,
  makePlatform,
  WebClient,
  zhCard,
} from "./helpers.js";
import {
  axeViolations,
  blocking,
  leakedSecrets,
  SCREENS,
  sidewaysOverflow,
  UI_LANGUAGES,
  viewportBox,
  type AxeViolation,
  type Screen,
} from "./page-checks.js";

/** Where the screenshots go (a temporary folder unless PSYSIM_SHOTS; printed so a person can look). */
const SHOTS = screenshotDir("platform-pages");

/**
 * Names, URLs and the key of the configured models: none may reach an annotator before the
 * reveal. Distinctive on purpose, so a hit is never a coincidence.
 */
const COUNSELORS = {
  "warm-counsellor": "Qwen-Blindtest-7B",
  "flat-counsellor": "GLM-Blindtest-9B",
};
const CLIENT_MODEL = "Client-Blindtest-Model";
const API_KEY = "sk-blinding-test-key-4711";

/** Test fixture, not a model: replies that differ per counselor; slow or failing on demand. */
const behaviour = { delayMs: 0, fail: false };
async function reply(body: FakeChatBody): Promise<string | { fault: "bad-key" }> {
  if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
  const turn = body.messages.filter((m) => m.role === "user").length;
  const zh = /[\u4e00-\u9fff]/.test(body.messages.map((m) => m.content).join(""));
  switch (body.model) {
    case CLIENT_MODEL:
      return zh
        ? `我还是很难入睡，躺下以后脑子里一直在想工作上的事情（第 ${turn} 次）。`
        : `I still lie awake thinking about work, going over the same worries again (${turn}).`;
    case COUNSELORS["warm-counsellor"]:
      if (behaviour.fail) return { fault: "bad-key" };
      return zh
        ? `听起来这些担心让你很疲惫。能说说最近哪一个晚上最难熬吗？（${turn}）`
        : `It sounds like these worries leave you exhausted. Which night was hardest lately? (${turn})`;
    case COUNSELORS["flat-counsellor"]:
      return zh
        ? `失眠很常见。你试过睡前不看手机吗？（${turn}）`
        : `Insomnia is common. Have you tried no phone before bed? (${turn})`;
    default:
      throw new Error(`unexpected model ${body.model}`);
  }
}

const enCard = normaliseRoleCard({
  id: "en-01",
  language: "en",
  chief_complaint: "I can't fall asleep because I keep thinking about my job.",
});

describe(
  "every page at 390×844 and 1366×900, zh and en: no sideways scroll, no axe violations, blinded",
  {
    skip: skipWithoutChromium,
  },
  () => {
    let fake: FakeOpenAIServer;
    let browser: Browser;
    let server: ServerType;
    let base: string;
    let platform: Awaited<ReturnType<typeof makePlatform>>;
    let alice: User;
    let secrets: string[];
    const assignment: Record<string, number> = {};
    const report: string[] = [];

    before(async () => {
      fake = await startFakeOpenAIServer({ reply });
      const model = (name: string): ChatModel =>
        createOpenAICompatibleChatModel({
          id: `blindtest-id:${name}`,
          model: name,
          baseUrls: [fake.url],
          apiKey: API_KEY,
        });
      secrets = [
        ...Object.keys(COUNSELORS),
        ...Object.values(COUNSELORS),
        CLIENT_MODEL,
        "blindtest-id:",
        API_KEY,
        fake.url,
        new URL(fake.url).host,
      ];
      platform = await makePlatform({
        isBaseline: false,
        engine: new SimulationSessionEngine({
          client: model(CLIENT_MODEL),
          counselors: new Map(
            Object.entries(COUNSELORS).map(([name, m]) => [
              name,
              arenaCounselor(
                { name, model: m, systemPrompt: { kind: "three-stage" }, sampling: {} },
                model(m),
              ),
            ]),
          ),
          maxTurns: 4,
        }),
      });
      const { store } = platform;
      alice = await addAnnotator(store, "alice");
      store.upsertRoleCards([zhCard("zh-01"), zhCard("zh-02"), enCard]);
      const plan: Array<[string, string, "arena" | "client"]> = [
        ["judge", "zh-01", "arena"],
        ["history", "en-01", "arena"],
        ["client", "zh-02", "client"],
        ["failing", "en-01", "arena"],
        ["fresh", "zh-02", "arena"],
        // The admin test's own, so it runs alone as well as after the others.
        ["admin-failing", "en-01", "arena"],
        ["admin-votes", "zh-01", "arena"],
      ];
      for (const [key, cardId, mode] of plan) {
        store.createAssignments([
          {
            annotatorId: alice.id,
            cardId,
            counselorA: "warm-counsellor",
            counselorB: "flat-counsellor",
            mode,
          },
        ]);
        assignment[key] = store.listAssignments().at(-1)!.id;
      }
      store.createInvite({
        tokenHash: tokenHash("pending-invite-token-for-the-layout-test-000"),
        name: "bob",
        role: "annotator",
        createdBy: platform.admin.id,
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      server = await new Promise<ServerType>((resolve) => {
        const s = serve({ fetch: platform.app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
          resolve(s),
        );
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await launchChromium();
    });

    after(async () => {
      console.log(`screenshots: ${SHOTS}\n${report.join("\n")}`);
      await browser?.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      (server as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.();
      platform?.store.close();
      await fake?.close();
    });

    /** A browser profile; CSP is bypassed only so axe-core can be injected. */
    async function profile(
      who: "anonymous" | "alice" | "admin",
      phone = false,
    ): Promise<BrowserContext> {
      const context = await browser.newContext({
        bypassCSP: true,
        viewport: phone ? SCREENS[0] : SCREENS[1],
        ...(phone ? { hasTouch: true, isMobile: true } : {}),
      });
      if (who === "anonymous") return context;
      const page = await context.newPage();
      await page.goto(`${base}/login`);
      await page.fill('input[name="name"]', who);
      await page.fill(
        'input[name="password"]',
        who === "admin" ? ADMIN_PASSWORD : ANNOTATOR_PASSWORD,
      );
      await page.click('button[type="submit"].primary');
      await page.waitForURL((url) => !url.pathname.startsWith("/login"));
      await page.close();
      return context;
    }

    interface Findings {
      overflow: string[];
      axe: string[];
      leaks: string[];
    }

    /** Measures the page as shown now, saves a screenshot, and collects what is wrong. */
    async function inspect(
      page: Page,
      name: string,
      screen: Screen,
      lang: string,
      findings: Findings,
      blinded: boolean,
    ): Promise<void> {
      const where = `${name} ${lang} ${screen.width}`;
      const overflow = await sidewaysOverflow(page);
      if (overflow > 0) findings.overflow.push(`${where}: ${overflow}px wider than the screen`);
      const violations: AxeViolation[] = await axeViolations(page);
      for (const v of violations)
        report.push(`axe ${where}: ${v.impact} ${v.id} ${v.targets.join(" | ")}`);
      for (const v of blocking(violations))
        findings.axe.push(`${where}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(" | ")}`);
      if (blinded) {
        const content = await page.content();
        for (const leak of leakedSecrets(content, secrets)) {
          const at = content.toLowerCase().indexOf(leak.toLowerCase());
          findings.leaks.push(`${where}: shows ${leak} in …${content.slice(at - 60, at + 40)}…`);
        }
      }
      await screenshots(page, `${name}-${lang}-${screen.name}`);
    }

    /**
     * The whole page in slices a person can read at full size (a 4,000 px phone page shrunk to
     * one image is unreadable), plus what the screen shows first.
     */
    async function screenshots(page: Page, name: string): Promise<void> {
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });
      const height = (await page.evaluate("document.scrollingElement.scrollHeight")) as number;
      const { width } = page.viewportSize()!;
      const slice = 1400;
      if (height <= page.viewportSize()!.height) return;
      for (let y = 0, i = 1; y < height; y += slice, i++)
        await page.screenshot({
          path: join(SHOTS, `${name}-full-${i}.png`),
          fullPage: true,
          clip: { x: 0, y, width, height: Math.min(slice, height - y) },
        });
    }

    /** Opens `path` at both sizes in both languages and inspects each. */
    async function everyWay(
      context: BrowserContext,
      name: string,
      path: string,
      options: { blinded: boolean; status?: number },
    ): Promise<Findings> {
      const findings: Findings = { overflow: [], axe: [], leaks: [] };
      const page = await context.newPage();
      for (const screen of SCREENS)
        for (const lang of UI_LANGUAGES) {
          await page.setViewportSize(screen);
          const response = await page.goto(
            `${base}${path}${path.includes("?") ? "&" : "?"}lang=${lang}`,
          );
          assert.equal(response?.status(), options.status ?? 200, `${name}: status`);
          await inspect(page, name, screen, lang, findings, options.blinded);
        }
      await page.close();
      return findings;
    }

    const clean = (f: Findings) => assert.deepEqual(f, { overflow: [], axe: [], leaks: [] });

    async function settledSession(key: string): Promise<string> {
      const session = await platform.sessions.start(
        platform.store.getAssignment(assignment[key]!)!,
        alice,
      );
      await platform.sessions.settled(session.id);
      return session.id;
    }

    /** A session whose first generation failed, so it holds a generation error. */
    async function failedSession(key: string): Promise<string> {
      behaviour.fail = true;
      try {
        return await settledSession(key);
      } finally {
        behaviour.fail = false;
      }
    }

    /** Votes server-side until the session ends (the history page needs a finished session). */
    async function finish(sessionId: string): Promise<void> {
      for (let i = 0; i < 10; i++) {
        await platform.sessions.settled(sessionId);
        const session = platform.store.getArenaSession(sessionId)!;
        if (session.status !== "active") return;
        platform.sessions.vote(sessionId, alice, session.pending!.turn, i % 2 ? "B" : "A");
        platform.sessions.advanceInBackground(sessionId);
      }
      assert.fail("the session never ended");
    }

    it("signed-out pages: login, invite and setup", async () => {
      const context = await profile("anonymous");
      const token = randomToken();
      platform.store.createSetupToken(tokenHash(token));
      for (const f of [
        await everyWay(context, "login", "/login", { blinded: true }),
        await everyWay(context, "invite", "/invite/pending-invite-token-for-the-layout-test-000", {
          blinded: true,
        }),
        await everyWay(context, "setup", `/setup?token=${token}`, { blinded: true }),
      ])
        clean(f);
      await context.close();
    });

    it("annotator pages: task list, judging, client mode, model error, history; all blinded", async () => {
      const context = await profile("alice");
      const judge = await settledSession("judge");
      const client = await settledSession("client");
      const failing = await failedSession("failing");
      const errorId = platform.store.getArenaSession(failing)!.error;
      assert.match(errorId ?? "", /^err-/);
      const history = await settledSession("history");
      // Two votes in, so the page shows decided turns with both candidates (Figure 15).
      for (const pick of ["A", "tie"] as const) {
        const turn = platform.store.getArenaSession(judge)!.pending!.turn;
        platform.sessions.vote(judge, alice, turn, pick);
        await platform.sessions.advance(judge);
      }
      await finish(history);
      for (const f of [
        await everyWay(context, "tasks", "/", { blinded: true }),
        await everyWay(context, "judge", `/sessions/${judge}`, { blinded: true }),
        await everyWay(context, "client-vote", `/sessions/${client}`, { blinded: true }),
        await (async () => {
          // The annotator picked a reply; now they write the client's next line.
          const turn = platform.store.getArenaSession(client)!.pending!.turn;
          platform.sessions.vote(client, alice, turn, "B");
          await platform.sessions.settled(client);
          return everyWay(context, "client-say", `/sessions/${client}`, { blinded: true });
        })(),
        await everyWay(context, "model-error", `/sessions/${failing}`, { blinded: true }),
        await everyWay(context, "history", `/sessions/${history}`, { blinded: false }),
        await everyWay(context, "not-found", "/no/such/page", { blinded: true, status: 404 }),
        await everyWay(context, "other-session", `/sessions/no-such-session`, {
          blinded: true,
          status: 404,
        }),
      ])
        clean(f);
      // The reveal does name the models: the scan above would have caught them anywhere earlier.
      const page = await context.newPage();
      await page.goto(`${base}/sessions/${history}`);
      assert.deepEqual(
        leakedSecrets(await page.content(), ["warm-counsellor", "flat-counsellor"]),
        ["warm-counsellor", "flat-counsellor"],
      );
      await page.close();
      await context.close();
    });

    it("admin pages: admin, error lookup, leaderboard with Figures 6 and 14", async () => {
      // Its own failure and human votes, whatever the other tests did before it.
      const failing = await failedSession("admin-failing");
      const errorId = platform.store.getArenaSession(failing)!.error!;
      await finish(await settledSession("admin-votes"));
      platform.store.importBattles(llmBattles());
      const context = await profile("admin");
      for (const f of [
        await everyWay(context, "admin", "/admin", { blinded: false }),
        await everyWay(context, "admin-error", `/admin/errors/${errorId}`, { blinded: false }),
        await everyWay(context, "leaderboard", "/leaderboard", { blinded: false }),
      ])
        clean(f);
      const page = await context.newPage();
      await page.goto(`${base}/leaderboard?lang=en`);
      // Figure 6 once, Figure 14 per judge kind (human, llm), each a loaded image that fits the column.
      const images = (await page.evaluate(
        `[...document.querySelectorAll("figure.chart img")].map((i) => ({ alt: i.alt, w: i.naturalWidth, shown: i.getBoundingClientRect().width, col: i.parentElement.getBoundingClientRect().width }))`,
      )) as Array<{ alt: string; w: number; shown: number; col: number }>;
      assert.equal(images.length, 3, JSON.stringify(images));
      assert.ok(
        images.every((i) => i.w > 0 && i.shown <= i.col + 0.5),
        JSON.stringify(images),
      );
      // The matrix's diagonal is "-", as `psysim ratings` prints it.
      const diagonal = (await page.evaluate(
        `[...document.querySelectorAll("#board-human tbody tr")].filter((r) => r.querySelector("th[scope=row]")).map((r, i) => r.querySelectorAll("td")[i]?.textContent)`,
      )) as string[];
      assert.ok(diagonal.length >= 2 && diagonal.every((d) => d === "-"), JSON.stringify(diagonal));
      await page.close();
      await context.close();
    });

    const turnOf = (page: Page) => page.inputValue('form[data-vote-form] input[name="turn"]');
    async function nextTurn(page: Page, turn: string): Promise<void> {
      await page.waitForFunction(
        `(document.querySelector('form[data-vote-form] input[name="turn"]')?.value ?? "") !== ${JSON.stringify(turn)}`,
      );
    }
    /** The generating state: a status line counting seconds, every control of the panel disabled. */
    async function assertGenerating(page: Page, scope: string, shot: string): Promise<void> {
      const status = page.locator(`${scope} .generating`);
      await status.waitFor({ state: "visible" });
      assert.match((await status.textContent()) ?? "", /\d/);
      const enabled = await page.locator(`${scope} button:not([disabled])`).count();
      assert.equal(enabled, 0, "controls stay enabled while generating");
      await page.screenshot({ path: join(SHOTS, `${shot}.png`) });
    }

    it("judging on a phone: Start and votes show a generating state, the vote buttons stay in reach, no jump to the top", async () => {
      const context = await profile("alice", true);
      const page = await context.newPage();
      await page.setViewportSize(SCREENS[0]);
      await page.goto(`${base}/?lang=zh`);
      behaviour.delayMs = 1500;
      try {
        const start = `form[action="/assignments/${assignment["fresh"]}/start"]`;
        await page.click(`${start} button`);
        await assertGenerating(page, start, "start-generating-zh-phone");
        await page.waitForURL(/\/sessions\/.+#actions$/);
        await page.waitForSelector("form[data-vote-form]");
        // Opened at the vote (#actions), and the buttons are on screen wherever the annotator scrolls.
        for (const y of ["0", "document.scrollingElement.scrollHeight"]) {
          await page.evaluate(`window.scrollTo(0, ${y})`);
          const box = (await viewportBox(page, ".vote-buttons"))!;
          assert.ok(
            box.top >= 0 && box.bottom <= box.inner,
            `buttons off screen at ${y}: ${JSON.stringify(box)}`,
          );
          await page.screenshot({
            path: join(SHOTS, `judge-phone-scroll-${y === "0" ? "top" : "end"}.png`),
          });
        }
        // At the end of the page nothing is left under the fixed buttons (undo, skip).
        const last = (await viewportBox(page, ".secondary-actions"))!;
        const buttons = (await viewportBox(page, ".vote-buttons"))!;
        assert.ok(last.bottom <= buttons.top, `covered: ${JSON.stringify([last, buttons])}`);
        const heights = (await page.evaluate(
          `[...document.querySelectorAll(".vote-buttons button")].map((b) => b.getBoundingClientRect().height)`,
        )) as number[];
        assert.ok(heights.length === 4 && heights.every((h) => h >= 44), `tap targets ${heights}`);
        // Read the candidates (scrolled part way), then tap A.
        await page.locator("#candidate-B").scrollIntoViewIfNeeded();
        const turn = await turnOf(page);
        const shown = (await viewportBox(page, ".vote-panel"))!;
        await page.tap('.vote-buttons button[value="A"]');
        await assertGenerating(page, "#actions", "vote-generating-zh-phone");
        const busy = (await viewportBox(page, ".vote-panel"))!;
        assert.ok(
          Math.abs(busy.top - shown.top) < 2,
          `panel moved: ${JSON.stringify([shown, busy])}`,
        );
        await nextTurn(page, turn);
        const scrolled = (await page.evaluate("window.scrollY")) as number;
        assert.ok(scrolled > 0, "the page jumped to the top after the vote");
        const candidates = (await viewportBox(page, "#actions"))!;
        assert.ok(
          candidates.top < candidates.inner && candidates.bottom > 0,
          "new candidates off screen",
        );
        await page.screenshot({ path: join(SHOTS, "after-vote-zh-phone.png") });
      } finally {
        behaviour.delayMs = 0;
      }
      await context.close();
    });

    it("judging on a laptop: the panel holds still while candidates load; a vote that lost a race is told so, blinded", async () => {
      const context = await profile("alice");
      const page = await context.newPage();
      await page.setViewportSize(SCREENS[1]);
      const judge = platform.store
        .listSessions({ assignmentId: assignment["judge"]! })
        .find((x) => x.status === "active")!.id;
      await page.goto(`${base}/sessions/${judge}?lang=en`);
      const panel = async () => (await viewportBox(page, "#actions"))!;
      const before = await panel();
      const buttons = (await viewportBox(page, ".vote-buttons"))!;
      assert.ok(
        buttons.top >= 0 && buttons.bottom <= buttons.inner,
        "vote buttons below the screen",
      );
      behaviour.delayMs = 1500;
      try {
        const turn = await turnOf(page);
        await page.keyboard.press("b");
        await assertGenerating(page, "#actions", "vote-generating-en-laptop");
        const during = await panel();
        assert.ok(
          Math.abs(during.bottom - before.bottom) < 2,
          `panel moved while generating: ${JSON.stringify([before, during])}`,
        );
        await nextTurn(page, turn);
        const after = await panel();
        assert.ok(
          Math.abs(after.bottom - before.bottom) < 2,
          `panel moved: ${JSON.stringify([before, after])}`,
        );
      } finally {
        behaviour.delayMs = 0;
      }
      // Another tab voted on this turn first: this vote is refused and the page says why.
      const open = platform.store.getArenaSession(judge)!.pending!.turn;
      platform.sessions.vote(judge, alice, open, "A");
      await page.keyboard.press("b");
      await page.waitForSelector("p.problem");
      // Its ways on lead back to the session page, not to the vote's post address.
      assert.equal(
        await page.getAttribute("main a.button:not(.primary)", "href"),
        `/sessions/${judge}`,
      );
      const findings: Findings = { overflow: [], axe: [], leaks: [] };
      await inspect(page, "vote-lost", SCREENS[1], "en", findings, true);
      await page.setViewportSize(SCREENS[0]);
      await inspect(page, "vote-lost", SCREENS[0], "en", findings, true);
      clean(findings);
      await context.close();
    });

    it("error responses (400, 404, 409, a failing model) name no model, URL or key", async () => {
      const web = new WebClient(platform.app);
      await web.login("alice", ANNOTATOR_PASSWORD);
      const failing = platform.store
        .listSessions({ assignmentId: assignment["failing"]! })
        .at(-1)!.id;
      behaviour.fail = true;
      const replies = [
        await web.post(`/sessions/${failing}/retry`),
        await web.get(`/sessions/${failing}`),
        await web.post(`/sessions/${failing}/vote`, { turn: "1", pick: "nonsense" }),
        await web.post(`/sessions/${failing}/vote`, { turn: "x" }),
        await web.post(`/sessions/${failing}/skip`, { turn: "1" }),
        await web.post(`/sessions/${failing}/vote`, { turn: "1", pick: "A" }),
        await web.get("/sessions/nope"),
        await web.post("/assignments/9999/start"),
      ];
      behaviour.fail = false;
      const statuses = replies.map((r) => r.status);
      assert.deepEqual(statuses, [303, 200, 400, 400, 400, 409, 404, 404]);
      for (const r of replies) assert.deepEqual(leakedSecrets(r.text, secrets), [], r.text);
      // The admin can look the failure up by its id and sees the full message.
      const id = /err-[0-9a-f]+/.exec(replies[1]!.text)![0];
      assert.ok(platform.store.generationError(id)!.message.length > 0);
    });
  },
);

/** Imported LLM-judge battles between the same two counselors, for a second leaderboard. */
function llmBattles(): Battle[] {
  return Array.from({ length: 12 }, (_, i) => ({
    schema: "psysim.battle/1",
    id: `llm-${i}`,
    dialogue_id: `arena-${i}`,
    turn: 1,
    history_ref: `h-${i}`,
    model_a: "warm-counsellor",
    model_b: "flat-counsellor",
    response_a: `a-${i}`,
    response_b: `b-${i}`,
    winner: i % 3 === 0 ? "b" : "a",
    judge: "llm:judge-model:prompt2",
    ts: "2026-01-01T00:00:00.000Z",
  }));
}
