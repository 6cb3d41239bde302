import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Browser, Page } from "playwright-core";
import { parseBattle } from "../../src/core/read-records.js";
import { screenshotDir, tempDir } from "../helpers.js";
import { launchChromium, skipWithoutChromium } from "../report/chromium.js";
import { ADMIN_PASSWORD, makePlatform } from "./helpers.js";

const SHOTS = screenshotDir("server");
const skip = skipWithoutChromium;

/** The whole platform in a real Chromium over loopback: the admin's and an annotator's day. */
describe("annotation platform in a real browser", { skip }, () => {
  let browser: Browser;
  let server: ServerType;
  let base: string;
  let platform: Awaited<ReturnType<typeof makePlatform>>;

  before(async () => {
    platform = await makePlatform({ dbFile: join(tempDir(), "annotations.sqlite"), maxTurns: 5 });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: platform.app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
        resolve(s),
      );
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Playwright gives each launch a fresh temporary profile (it refuses --user-data-dir here).
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    (server as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.();
    platform?.store.close();
  });

  const laptop = { viewport: { width: 1366, height: 768 } };

  it("lets the admin invite an annotator, import cards, assign them and export", async () => {
    const context = await browser.newContext({ ...laptop, acceptDownloads: true, locale: "zh-CN" });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    await page.goto(`${base}/login`);
    await page.screenshot({ path: `${SHOTS}/01-login-zh.png` });
    await page.fill('input[name="name"]', "admin");
    await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await page.click('button[type="submit"].primary');
    await page.waitForURL(`${base}/admin`);

    await page.fill('form[action="/admin/invites"] input[name="name"]', "alice");
    await page.click('form[action="/admin/invites"] button');
    const link = await page.inputValue("#invite-link");
    assert.match(link, new RegExp(`^${base}/invite/[\\w-]{43}$`));

    await page.setInputFiles(
      'form[action="/admin/cards"] input[type="file"]',
      "examples/cards.zh.jsonl",
    );
    await page.click('form[action="/admin/cards"] button');
    await page.waitForSelector("text=读取了 10 张信息卡");

    // The invited annotator accepts in another browser profile.
    const annotator = await browser.newContext({ ...laptop, locale: "zh-CN" });
    const invitePage = await annotator.newPage();
    await invitePage.goto(link);
    await invitePage.fill('input[name="password"]', "alice-password-1");
    await invitePage.click('button[type="submit"]');
    await invitePage.waitForURL(`${base}/`);
    await annotator.close();

    await page.goto(`${base}/admin`);
    await page.selectOption('select[name="annotator"]', { label: "alice" });
    await page.check('input[name="card"][value="zh-01"]');
    await page.check('input[name="card"][value="zh-02"]');
    await page.click('form[action="/admin/assignments"] button[type="submit"]');
    await page.waitForSelector("text=已为 alice 创建 2 个任务");
    await page.screenshot({ path: `${SHOTS}/02-admin-zh.png`, fullPage: true });

    const download = page.waitForEvent("download");
    await page.click('a[href="/admin/export/battles.jsonl"]');
    const file = await (await download).path();
    assert.equal(readFileSync(file, "utf8"), "");
    assert.deepEqual(problems, []);
    await context.close();
  });

  async function vote(page: Page, key: string): Promise<void> {
    const turn = await page.inputValue('input[name="turn"]');
    await page.keyboard.press(key);
    // The next page has a new open turn, or none once the session has ended.
    // (A function, not a string: the page's CSP forbids string evaluation. No DOM types here, hence the cast.)
    await page.waitForFunction((t) => {
      const doc = (
        globalThis as unknown as {
          document: { querySelector(s: string): { value: string } | null };
        }
      ).document;
      return (doc.querySelector('input[name="turn"]')?.value ?? "") !== t;
    }, turn);
  }

  it("lets an annotator judge a whole session with the keyboard and see the models revealed", async () => {
    const context = await browser.newContext({ ...laptop, locale: "zh-CN" });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${base}/login`);
    await page.fill('input[name="name"]', "alice");
    await page.fill('input[name="password"]', "alice-password-1");
    await page.click('button[type="submit"].primary');
    await page.waitForURL(`${base}/`);
    await page.screenshot({ path: `${SHOTS}/03-assignments-zh.png` });
    await page.click("table.list tbody tr:first-child button");
    await page.waitForSelector("form[data-vote-form]");
    await page.screenshot({ path: `${SHOTS}/04-session-zh.png` });

    const keys = ["a", "b", "t", "x"];
    const frame = async () => (await page.locator(".vote-panel").boundingBox())!;
    const firstPanel = await frame();
    let votes = 0;
    while (await page.locator("form[data-vote-form]").count()) {
      if (votes === 2) await page.screenshot({ path: `${SHOTS}/05-session-later-zh.png` });
      if (votes > 0) {
        // The vote panel stays put from turn to turn: no layout jump under the annotator's eyes.
        const box = await frame();
        assert.ok(
          Math.abs(box.y + box.height - (firstPanel.y + firstPanel.height)) < 2,
          `panel moved: ${JSON.stringify([firstPanel, box])}`,
        );
      }
      await vote(page, keys[votes % 4]!);
      votes++;
      assert.ok(votes < 60, "the session never ended");
    }
    await page.waitForSelector(".reveal");
    await page.screenshot({ path: `${SHOTS}/06-reveal-zh.png`, fullPage: true });
    const revealed = await page.textContent(".reveal");
    assert.ok(revealed!.includes("baseline-a") && revealed!.includes("baseline-b"));
    const battles = [...platform.store.iterateBattles()].map((b, i) =>
      parseBattle(b, "store", i + 1),
    );
    assert.equal(battles.length, votes);
    assert.ok(battles.every((b) => b.judge === "human:alice"));

    await page.goto(`${base}/?lang=en`);
    await page.screenshot({ path: `${SHOTS}/07-assignments-en.png` });
    await page.click("table.list tbody tr:nth-child(2) button");
    await page.waitForSelector("form[data-vote-form]");
    await page.screenshot({ path: `${SHOTS}/08-session-en.png` });
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("shows the admin a leaderboard from the human votes", async () => {
    const context = await browser.newContext({ ...laptop, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name="name"]', "admin");
    await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await page.click('button[type="submit"].primary');
    await page.waitForURL(`${base}/admin`);
    await page.goto(`${base}/leaderboard`);
    await page.waitForSelector("#board-human");
    await page.screenshot({ path: `${SHOTS}/09-leaderboard-zh.png`, fullPage: true });
    assert.equal(
      await page
        .locator("#board-human tbody tr")
        .first()
        .locator("td")
        .first()
        .textContent()
        .then((t) => /^baseline-[ab]$/.test(t ?? "")),
      true,
    );
    await context.close();
  });
});
