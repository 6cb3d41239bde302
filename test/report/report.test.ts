import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { runCli } from "../fixtures/run-cli.js";
import { screenshotDir, tempDir } from "../helpers.js";
import {
  launchChromium,
  skipWithoutChromium,
  textOutsideScript,
  type FigureTextCheck,
} from "./chromium.js";
import { INJECTION, writeReportFixture, type ReportFixture } from "./report-fixtures.js";

const SHOTS = screenshotDir("report");

describe("psysim report", () => {
  let fixture: ReportFixture;
  const pages: Record<"zh" | "en", string> = { zh: "", en: "" };

  before(async () => {
    fixture = await writeReportFixture(tempDir());
    for (const lang of ["zh", "en"] as const) {
      pages[lang] = join(fixture.dir, `report.${lang}.html`);
      const r = await runCli([
        "report",
        "--dataset",
        `real=${fixture.real}`,
        "--dataset",
        `sim=${fixture.sim}`,
        "--cards",
        fixture.cards,
        "--battles",
        fixture.battles,
        "--bootstrap",
        "50",
        ...fixture.evaluations,
        "--lang",
        lang,
        "--out",
        pages[lang],
        ...(lang === "en" ? ["--figures", join(fixture.dir, "figures")] : []),
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^report: .*report\.\w\w\.html \(\d+ KB\)/);
    }
  });

  it("writes one self-contained page: no external script, style, font or image, data inline", () => {
    const html = readFileSync(pages.en, "utf8");
    assert.doesNotMatch(html, /<link\b|<script[^>]+src=|<img\b|@import|url\(\s*["']?https?:/i);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.equal(
      (html.match(/<script type="application\/json" id="psysim-data">/g) ?? []).length,
      1,
    );
    // The injected text is escaped in the data and in the markup, never live HTML.
    assert.ok(!html.includes(INJECTION));
  });

  it("writes each figure as SVG and PNG with --figures", () => {
    const names = readdirSync(join(fixture.dir, "figures")).sort();
    for (const figure of [
      "figure-2a-1",
      "figure-2b-1",
      "figure-3",
      "figure-4",
      "figure-6-1",
      "figure-14-1-1",
      "stages",
      "compare-stages-1",
    ])
      assert.ok(names.includes(`${figure}.svg`) && names.includes(`${figure}.png`), figure);
  });

  it("rejects an input that is not a psysim result in one line and writes nothing", async () => {
    const dir = tempDir();
    const bad = join(dir, "notes.json");
    writeFileSync(bad, JSON.stringify({ hello: "world" }));
    const out = join(dir, "report.html");
    const r = await runCli(["report", bad, "--out", out]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `psysim: ${bad}: schema: not a psysim result (expected psysim.evaluation/1, psysim.ratings/1 or psysim.judge-agreement/1; write one with --json)\n`,
    );
    assert.ok(!existsSync(out));
    const twice = await runCli([
      "report",
      "--dataset",
      `a=${bad}`,
      "--dataset",
      `a=${bad}`,
      "--out",
      out,
    ]);
    assert.match(twice.stderr, /^psysim: --dataset: two datasets are called "a"/);
    assert.ok(!existsSync(out));
  });

  describe("in Chromium", { skip: skipWithoutChromium }, () => {
    let browser: Browser;
    before(async () => {
      browser = await launchChromium();
    });
    after(async () => browser?.close());

    /** Opens a report, failing on any console message, page error or request off the file. */
    async function open(
      lang: "zh" | "en",
      width: number,
    ): Promise<{ page: Page; problems: string[] }> {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const problems: string[] = [];
      page.on("console", (m) => problems.push(`${m.type()}: ${m.text()}`));
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) problems.push(`request: ${r.url()}`);
      });
      await page.goto(`file://${pages[lang]}`);
      await page.waitForSelector("#browser[data-ready]");
      return { page, problems };
    }

    it("opens with no console message and no request, every section present and every figure's text inside its image", async () => {
      for (const lang of ["en", "zh"] as const) {
        const { page, problems } = await open(lang, 1280);
        const sections = await page.$$eval("main > section", (s) => s.map((x) => x.id));
        assert.deepEqual(sections, [
          "table-1",
          "figure-2",
          "figure-3",
          "figure-4",
          "stages",
          "safety",
          "comparison",
          "figure-5",
          "figure-6",
          "figure-14",
          "table-4",
          "agreement",
          "browser",
          "inputs",
        ]);
        const figures = await page.evaluate<FigureTextCheck[]>(textOutsideScript("figure svg"));
        assert.ok(figures.length >= 7);
        assert.deepEqual(
          figures.filter((f) => f.outside.length > 0),
          [],
        );
        assert.deepEqual(problems, []);
        assert.notEqual(await page.title(), "pwned");
        await page.screenshot({ path: `${SHOTS}/report-desktop-${lang}.png`, fullPage: true });
        await page.close();
      }
    });

    it("shows a compare result as a table with the test used, p and d, and its judge labelled", async () => {
      const { page } = await open("en", 1280);
      const head = await page.$$eval("#comparison > .table-scroll thead th", (th) =>
        th.map((x) => x.textContent),
      );
      assert.deepEqual(head, [
        "metric",
        "real mean ± sd (n)",
        "sim mean ± sd (n)",
        "p (Welch)",
        "Cohen's d",
      ]);
      const rows = await page.$$eval("#comparison > .table-scroll tbody tr", (tr) =>
        tr.map((x) => x.firstElementChild?.textContent),
      );
      assert.deepEqual(rows.slice(0, 2), [
        "turns per session",
        "client utterance length, zh (characters, per session mean)",
      ]);
      assert.ok(rows.includes("WAI all items"));
      const text = await page.$eval("#comparison", (s) => s.textContent ?? "");
      assert.match(text, /WAI-O-S · judge: baseline rule-based baseline, not an LLM/);
      assert.match(
        text,
        /psysim compare .*real\.jsonl .*sim\.jsonl --test welch --wai baseline --wai-mode per-item --stages baseline --safety baseline --within 2 --rounds 1 --seed 1 --json/,
      );
      // compare --stages/--safety: the rows, both datasets' stage shares, the judges and the honesty note.
      assert.ok(rows.includes("stage progression, Kendall's tau-b (sessions where defined)"));
      assert.ok(
        rows.includes("protocol after risk turns: all three (share of a session's risk turns)"),
      );
      assert.equal(await page.locator("#chart-compare-stages-1 svg").count(), 1);
      assert.match(
        text,
        /Hill's stages · judge: baseline \(not an LLM\) rule-based baseline, not an LLM/,
      );
      assert.match(
        text,
        /real has no client risk turn, so its protocol rates are n\/a \(undefined, not 0\)/,
      );
      assert.match(
        await page.$eval("#comparison .caution", (p) => p.textContent ?? ""),
        /replaces a clinician's judgement/,
      );
      await page.close();
    });

    it("shows Hill's stages per dataset and counselor, the baseline judge labelled", async () => {
      const { page } = await open("en", 1280);
      const rows = await page.$$eval("#stages > .table-scroll tbody tr", (tr) =>
        tr.map((x) => [...x.children].map((c) => c.textContent ?? "")),
      );
      // real was judged twice (baseline and the scripted judge), so its rows name the judge.
      assert.deepEqual(
        rows.slice(0, 2).map((r) => r[0]),
        ["real · (no meta.counselor) · baseline", "sim · (no meta.counselor)"],
      );
      assert.match(
        rows[2]![0]!,
        /^real · \(no meta\.counselor\) · openai-compatible:scripted-judge$/,
      );
      // The LLM judge's stages in order: exploration, insight, action, so tau-b is positive.
      assert.match(rows[2]![5]!, /^0\.\d+ \(\d+\)$/);
      const skills = await page.$$eval("#stages > h3 + .table-scroll tr", (tr) =>
        tr.map((x) => [...x.children].map((c) => c.textContent ?? "")),
      );
      assert.deepEqual(skills[0], [
        "dataset · counselor",
        "open question (exploration)",
        "reflection of feelings (exploration)",
        "interpretation (insight)",
        "direct guidance (action)",
      ]);
      assert.equal(skills.length, 2, "only the LLM-judged group names skills");
      const stages = JSON.parse(
        readFileSync(
          fixture.evaluations.find((f) => f.endsWith("stages-sim.json"))!,
          "utf8",
        ),
      ) as { aggregates: { sessions: number; skips: number }[] };
      assert.equal(rows[1]![1], String(stages.aggregates[0]!.sessions));
      assert.equal(rows[1]![8], String(stages.aggregates[0]!.skips));
      const text = await page.$eval("#stages", (s) => s.textContent ?? "");
      assert.match(text, /judge: baseline \(not an LLM\) rule-based baseline, not an LLM/);
      assert.match(text, /psysim eval stages --dialogues \S+real\.jsonl --judge baseline --json/);
      assert.equal(await page.locator("#chart-stages svg").count(), 1);
      await page.close();
    });

    it("shows safety: the honesty note, protocol per counselor, risk by kind and severity, reply labels only from the judge", async () => {
      for (const lang of ["en", "zh"] as const) {
        const { page } = await open(lang, 1280);
        const caution = await page.$eval("#safety .caution", (p) => p.textContent ?? "");
        assert.match(
          caution,
          lang === "en"
            ? /explicit language only.*No label here.*replaces a clinician's judgement/
            : /只能发现明确的表达.*都不能代替临床工作者的判断/,
        );
        await page.close();
      }
      const { page } = await open("en", 1280);
      const tables = await page.$$eval("#safety > .table-scroll table", (ts) =>
        ts.map((t) =>
          [...t.querySelectorAll("tr")].map((r) => [...r.children].map((c) => c.textContent ?? "")),
        ),
      );
      // Baseline: protocol, risk by kind, the risk turns; no reply labels (one note instead).
      const [protocol, byKind, episodes] = tables;
      assert.deepEqual(
        protocol!.slice(1).map((r) => [r[0], r[4], r[8]]),
        [
          ["hand-written A", "2", "100% (2 / 2)"],
          ["hand-written B", "2", "0% (0 / 2)"],
        ],
      );
      assert.deepEqual(byKind!.slice(1), [
        ["suicide", "0", "3", "0", "3"],
        ["abused or in danger", "0", "0", "1", "1"],
      ]);
      assert.equal(episodes!.length, 5);
      assert.deepEqual(episodes![1]!.slice(0, 4), [
        "hand-written-zh-1",
        "5",
        "suicide (moderate)",
        "不想活",
      ]);
      const text = await page.$eval("#safety", (s) => s.textContent ?? "");
      assert.match(text, /Counselor replies not labelled: the baseline cannot judge/);
      // The scripted judge: its labels stand (hints the lexicon misses included) and replies get one of the eight labels.
      const judged = tables.slice(3);
      assert.deepEqual(judged[1]!.slice(1), [
        ["suicide", "0", "4", "1", "5"],
        ["abused or in danger", "0", "0", "1", "1"],
      ]);
      const replies = judged[2]!;
      assert.deepEqual(replies[0], ["label", "hand-written A (n = 13)", "hand-written B (n = 11)"]);
      assert.equal(replies.length, 1 + 8 + 1);
      assert.deepEqual(replies.at(-1), ["unsafe rate (not safe_response)", "0%", "36%"]);
      assert.equal(judged[3]![1]![3], "judge");
      await page.close();
    });

    it("lists Bradley–Terry and Elo with their intervals under Figure 6", async () => {
      const { page } = await open("en", 1280);
      // The first table directly under the section (provenance tables sit inside <details>).
      const [head, cells] = await page.$eval("#figure-6 > .table-scroll", (box) => [
        [...box.querySelectorAll("thead th")].map((x) => x.textContent ?? ""),
        [...(box.querySelector("tbody tr")?.children ?? [])].map((x) => x.textContent ?? ""),
      ]);
      assert.deepEqual(head, [
        "counselor",
        "rank",
        "Bradley–Terry",
        "95% interval",
        "Elo",
        "95% interval",
        "battles",
      ]);
      assert.match(cells[5]!, /^\[\d+\.\d, \d+\.\d\]$/);
      await page.close();
    });

    it("puts Table 1 side by side per dataset and language, lengths in characters for zh and words for en", async () => {
      const { page } = await open("en", 1280);
      const head = await page.$$eval("#table-1 > .table-scroll thead th", (th) =>
        th.map((x) => x.textContent),
      );
      assert.deepEqual(head, ["", "real (zh)", "real (en)", "sim (zh)", "sim (en)"]);
      const sessions = await page.$$eval("#table-1 > .table-scroll tbody tr:first-child td", (td) =>
        td.map((x) => x.textContent),
      );
      assert.deepEqual(sessions, ["3", "3", "4", "2"]);
      const lengths = await page.$$eval("#table-1 > .table-scroll tbody tr:nth-child(6) td", (td) =>
        td.map((x) => x.textContent),
      );
      assert.match(lengths[0]!, / characters$/);
      assert.match(lengths[1]!, / words$/);
      await page.close();
    });

    it("filters sessions by language, ending, turns, σ refusals, metric range and text, and pages through them", async () => {
      const { page } = await open("en", 1280);
      const count = async () => (await page.textContent("#result-count"))!;
      assert.equal(await count(), "12 of 12 sessions");
      await page.selectOption("#f-language", "en");
      assert.equal(await count(), "5 of 12 sessions");
      await page.selectOption("#f-language", "");
      await page.selectOption("#f-dataset", "1");
      assert.equal(await count(), "6 of 12 sessions");
      await page.selectOption("#f-ended", "max_turns");
      assert.equal(await count(), "2 of 12 sessions");
      await page.selectOption("#f-ended", "");
      await page.selectOption("#f-dataset", "");
      await page.fill("#f-rej-min", "1");
      await page.dispatchEvent("#f-rej-min", "change");
      assert.equal(await count(), "6 of 12 sessions");
      await page.fill("#f-rej-min", "");
      await page.fill("#f-turns-min", "5");
      await page.dispatchEvent("#f-turns-min", "change");
      // Sessions have 3 + (k % 4) rounds: k = 2 and 5 in real (5 and 4... ), see report-fixtures.
      const rows = await page.$$eval("#sessions-table tbody tr td:nth-child(4)", (td) =>
        td.map((x) => Number(x.textContent)),
      );
      assert.ok(rows.length > 0 && rows.every((t) => t >= 5));
      await page.fill("#f-turns-min", "");
      await page.dispatchEvent("#f-turns-min", "change");
      await page.selectOption("#f-metric", "overlap");
      await page.fill("#f-metric-min", "2");
      await page.dispatchEvent("#f-metric-min", "change");
      assert.equal(await count(), "0 of 12 sessions");
      await page.fill("#f-metric-min", "0");
      await page.dispatchEvent("#f-metric-min", "change");
      assert.equal(await count(), "12 of 12 sessions");
      // The baseline finds only exploration in the fixture, so sim's τ-b is undefined and sim is
      // not listed (never as 0); real's 6 sessions have τ-b from the scripted judge.
      const metricOptions = await page.$$eval("#f-metric option", (o) =>
        o.map((x) => x.textContent),
      );
      assert.ok(metricOptions.includes("stage progression τ-b"));
      assert.ok(metricOptions.includes("crisis protocol followed (share of risk turns)"));
      await page.selectOption("#f-metric", "tau");
      await page.dispatchEvent("#f-metric", "change");
      assert.equal(await count(), "6 of 12 sessions");
      await page.selectOption("#f-metric", "");
      await page.dispatchEvent("#f-metric", "change");
      await page.fill("#f-search", "onerror");
      await page.locator("#result-count", { hasText: "2 of 12 sessions" }).waitFor();
      assert.equal(await page.textContent("#page-label"), "page 1 of 1");
      await page.close();
    });

    it("shows a session with its role card and σ's refused replies with their reasons, as text", async () => {
      const { page } = await open("en", 1280);
      await page.click("#sessions-table tbody tr:first-child");
      const view = page.locator("#session-view");
      await view.waitFor();
      assert.match((await view.locator("h3").textContent())!, /^real-zh-01 · real$/);
      assert.match((await view.locator(".card-text").textContent())!, /主诉|性别/);
      assert.match((await view.textContent())!, /onerror/);
      assert.equal(await view.locator("img").count(), 0);
      await view.locator(".rejected summary").first().click();
      assert.match(
        (await view.locator(".rejected").first().textContent())!,
        /1 深呼吸，2 散步，3 写日记[\s\S]*reasons: enumeration/,
      );
      await page.close();
    });

    it("shows two datasets' sessions on the same card side by side (Figure 5)", async () => {
      const { page } = await open("en", 1280);
      const cards = await page.$$eval("#c-card option", (o) => o.map((x) => x.textContent));
      assert.deepEqual(cards, ["zh-01", "zh-02", "zh-03", "en-01", "en-02"]);
      await page.selectOption("#c-card", "en-02");
      const heads = await page.$$eval("#compare-view .pair h4", (h) => h.map((x) => x.textContent));
      assert.deepEqual(heads, ["real · real-en-02", "sim · sim-en-02"]);
      await page.close();
    });

    it("fits a 390 px phone without sideways scrolling of the page", async () => {
      for (const lang of ["zh", "en"] as const) {
        const { page, problems } = await open(lang, 390);
        const width = await page.evaluate<number>("document.documentElement.scrollWidth");
        assert.ok(width <= 390, `page is ${width} px wide`);
        // Nor does a table of the process sections scroll sideways in its own box.
        const wide = await page.evaluate<string[]>(
          `[...document.querySelectorAll("#stages .table-scroll, #safety .table-scroll, #comparison > .table-scroll")].filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => b.closest("section").id + ": " + b.querySelector("th").textContent)`,
        );
        assert.deepEqual(wide, []);
        assert.deepEqual(problems, []);
        // A shrunk SVG shrinks its text too: Figure 6 is drawn at its own size, and no figure
        // below three quarters of it (about 9 px for the 12 px labels).
        const shrunk = await page.evaluate<string[]>(
          `[...document.querySelectorAll("[id^=chart-] svg")].map((s) => [s.closest("[id]").id, s.getBoundingClientRect().width / Number(s.getAttribute("width"))]).filter(([id, scale]) => scale < (id.startsWith("chart-figure-6") ? 0.999 : 0.75)).map(([id, scale]) => id + " at " + scale.toFixed(2))`,
        );
        assert.deepEqual(shrunk, [], `${lang}: shrunk on a phone`);
        await page.screenshot({ path: `${SHOTS}/report-phone-${lang}.png`, fullPage: true });
        await page.close();
      }
    });

    it("prints to PDF with the browser left out and the provenance opened", async () => {
      const { page } = await open("en", 1280);
      await page.emulateMedia({ media: "print" });
      assert.equal(
        await page.evaluate(`getComputedStyle(document.querySelector("#browser")).display`),
        "none",
      );
      await page.evaluate(`window.dispatchEvent(new Event("beforeprint"))`);
      assert.equal(await page.$$eval("details.provenance:not([open])", (d) => d.length), 0);
      const pdf = join(fixture.dir, "report.pdf");
      await page.pdf({ path: pdf, format: "A4", printBackground: true });
      const bytes = readFileSync(pdf);
      assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
      const pages = (bytes.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      assert.ok(pages >= 3, `${pages} pages`);
      try {
        execFileSync("pdftoppm", [
          "-png",
          "-r",
          "60",
          "-f",
          "1",
          "-l",
          "4",
          pdf,
          `${SHOTS}/report-print`,
        ]);
      } catch {
        // pdftoppm (poppler-utils) is optional: it only writes page images to look at.
      }
      await page.close();
    });
  });
});
