import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// The project's rule for prompts: follow the paper's figures rule by rule, in our own words,
// never the paper's text pasted. This measures the longest run a template shares with the
// paper: Chinese in characters, English in words. Short shared runs are unavoidable (a rule's
// name such as "诚信性：", a phrase like "one or two sentences"); a pasted sentence is not.
const MAX_SHARED_CHARACTERS = 15;
const MAX_SHARED_WORDS = 10;

const here = dirname(fileURLToPath(import.meta.url));
const templates = resolve(here, "../../src/prompts/templates");

/** The paper lives in the team's shared folder beside the checkout (CI puts a copy there). */
function findPaper(): string | undefined {
  for (let dir = resolve(here, "../.."); ; dir = dirname(dir)) {
    const candidate = join(dir, "shared", "seed", "interactive-agents-paper.txt");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Template text as sent: comment lines dropped, placeholders turned into breaks no run crosses. */
function body(file: string): string {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("# "))
    .join("\n")
    .replace(/\{[a-z_]+\}/g, "\u0000");
}

function longestSharedRun(units: string[], haystack: string, join: string): string[] {
  let best: string[] = [];
  for (let i = 0; i < units.length; i++) {
    let n = best.length + 1;
    while (i + n <= units.length && haystack.includes(units.slice(i, i + n).join(join))) {
      best = units.slice(i, i + n);
      n++;
    }
  }
  return best;
}

describe("prompt templates in psysim's own words", () => {
  const paperFile = findPaper();
  it("share no pasted sentence with the paper", (t) => {
    if (paperFile === undefined) return t.skip("the paper is not beside this checkout");
    const paper = readFileSync(paperFile, "utf8");
    const paperChars = paper.replace(/\s+/g, "");
    const paperWords = ` ${(paper.toLowerCase().match(/[a-z']+/g) ?? []).join(" ")} `;
    const files = readdirSync(templates).filter((f) => f.endsWith(".txt"));
    assert.ok(files.length >= 14);
    for (const file of files) {
      const text = body(join(templates, file));
      if (file.includes(".zh.")) {
        const run = longestSharedRun([...text.replace(/\s+/g, "")], paperChars, "");
        assert.ok(run.length <= MAX_SHARED_CHARACTERS, `${file} copies "${run.join("")}"`);
      } else {
        const words = text
          .toLowerCase()
          .split("\u0000")
          .map((part) => part.match(/[a-z']+/g) ?? []);
        for (const part of words) {
          const run = longestSharedRun(
            part.map((w) => ` ${w}`),
            paperWords,
            "",
          );
          assert.ok(run.length <= MAX_SHARED_WORDS, `${file} copies "${run.join("").trim()}"`);
        }
      }
    }
  });

  it("catches a pasted sentence (the check itself can fail)", () => {
    const pasted = [..."咨询前期，咨询策略的使用多为促进咨访关系建立"];
    const run = longestSharedRun(pasted, "一、咨询前期，咨询策略的使用多为促进咨访关系建立。", "");
    assert.ok(run.length > MAX_SHARED_CHARACTERS);
  });
});
