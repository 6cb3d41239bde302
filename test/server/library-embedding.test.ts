import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tempDir } from "../helpers.js";
import { ADMIN_PASSWORD } from "./helpers.js";

const REPO = resolve(import.meta.dirname, "..", "..");

/** The ```ts blocks of the "Library" section of docs/annotation-platform.md, as a reader copies them. */
function librarySnippets(): string[] {
  const doc = readFileSync(join(REPO, "docs/annotation-platform.md"), "utf8");
  const section = doc.slice(doc.indexOf("\n## Library\n"));
  const body = section.slice(0, section.indexOf("\n## ", 4));
  return [...body.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** `psysim/<folder>` as the package exports it, pointed at this checkout's sources (no build needed). */
const againstCheckout = (code: string) =>
  code.replace(
    /from "psysim\/(\w+)"/g,
    (_, folder: string) => `from "${pathToFileURL(join(REPO, "src", folder, "index.ts")).href}"`,
  );

/** Runs a snippet in a fresh folder until it prints its address; the caller stops it. */
async function runSnippet(code: string) {
  const dir = tempDir("psysim-embed-");
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  copyFileSync(join(REPO, "examples/cards.zh.jsonl"), join(dir, "cards.jsonl"));
  // An ES module project, as psysim's users have (top-level await).
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "snippet.ts"), againstCheckout(code));
  const child = spawn(process.execPath, ["--import", "tsx", "snippet.ts"], {
    cwd: dir,
    env: { ...process.env, PORT: "0", PSYSIM_ADMIN_PASSWORD: ADMIN_PASSWORD },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const url = await new Promise<string>((found, failed) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) found(m[1]!);
    });
    void exited.then((code) => failed(new Error(`snippet exited (${code}): ${err}${out}`)));
  });
  return { url, out: () => out, stop: () => (child.kill("SIGINT"), exited) };
}

/** Signs in over real HTTP as a browser would: the login form's CSRF token and cookie, then the form. */
async function signIn(url: string): Promise<Response> {
  const form = await fetch(`${url}/login`);
  assert.equal(form.status, 200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, origin: url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, name: "admin", password: ADMIN_PASSWORD }),
  });
}

describe("docs/annotation-platform.md: the library snippets run as written", () => {
  const snippets = librarySnippets();

  it("has the two embedding snippets, importing only the package's public subpaths", () => {
    assert.equal(snippets.length, 2);
    for (const code of snippets) {
      const specifiers = [...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(specifiers.includes("psysim/server"));
      assert.deepEqual(
        specifiers.filter((s) => s.startsWith(".") || s.includes("/src/")),
        [],
        "no relative or source imports",
      );
    }
  });

  for (const [i, name] of ["startServer", "createApp in your own server"].entries())
    it(`${name}: serves the platform, the admin signs in, Ctrl-C stops it cleanly`, async () => {
      const run = await runSnippet(snippets[i]!);
      try {
        assert.equal(await (await fetch(`${run.url}/healthz`)).text(), "ok");
        const login = await signIn(run.url);
        assert.equal(login.status, 303);
        assert.equal(login.headers.get("location"), "/admin");
        if (i === 0) assert.match(run.out(), /baseline-a vs baseline-b/);
      } finally {
        assert.equal(await run.stop(), 0);
      }
    });
});
