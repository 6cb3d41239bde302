import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { spawnCli } from "../fixtures/run-cli.js";
import { counselingReplies } from "../fixtures/counseling-replies.js";
import { OutputLock, lockFileFor } from "../../src/core/output-lock.js";
import { tempDir } from "../helpers.js";
import { card } from "../simulation/fixtures.js";

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("one writer per output", async () => {
  // Slow replies keep the first run busy while the second starts (seconds on a loaded machine).
  const serverOptions = { reply: counselingReplies({ sessionTurns: 4 }), latencyMs: 1000 };
  const server = await startFakeOpenAIServer(serverOptions);
  after(() => server.close());
  const dir = tempDir();
  const cards = join(dir, "cards.jsonl");
  writeFileSync(
    cards,
    Array.from({ length: 8 }, (_, i) => JSON.stringify(card(`c${i}`, "en"))).join("\n") + "\n",
  );
  const spec = `openai-compatible:fake-model@${server.url}`;
  const out = join(dir, "dialogues.jsonl");
  const run = (cache: string) =>
    spawnCli([
      "simulate",
      "--cards",
      cards,
      "--out",
      out,
      "--client",
      spec,
      "--counselor",
      spec,
      "--concurrency",
      "1",
      "--cache",
      join(dir, cache),
    ]);
  const chatCalls = () => server.requests.filter((r) => r.path === "/v1/chat/completions").length;

  it("refuses a second process at once naming the holder's pid, and a kill -9 releases the lock", async () => {
    const first = run("a.sqlite");
    await until(() => chatCalls() > 0);

    const second = await run("b.sqlite").done;
    assert.equal(second.code, 1, second.stderr);
    assert.equal(second.stderr.trimEnd().split("\n").length, 1, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(
        `^psysim: .*dialogues\\.jsonl: psysim simulate \\(pid ${first.child.pid}, since [0-9T:.Z-]+\\) is writing it; wait for it to finish or stop it \\(kill ${first.child.pid}\\)`,
      ),
    );

    first.child.kill("SIGKILL");
    assert.equal((await first.done).signal, "SIGKILL");
    // The lock file stays behind after a crash; the kernel dropped the lock with the process.
    assert.ok(existsSync(lockFileFor(out)));

    serverOptions.latencyMs = 0;
    const third = await run("a.sqlite").done;
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /simulated \d+ dialogues?/);
    assert.equal(readFileSync(out, "utf8").trimEnd().split("\n").length, 8);
    assert.ok(!existsSync(lockFileFor(out)), "a finished run removes its lock file");
  });

  it("refuses a second lock inside one process too, and frees it on release", () => {
    const file = join(dir, "in-process.jsonl");
    const held = OutputLock.acquire(file, "test");
    assert.ok(held);
    assert.throws(
      () => OutputLock.acquire(file, "test"),
      (error: Error) =>
        new RegExp(`psysim test \\(pid ${process.pid},.*is writing it`).test(error.message),
    );
    held.release();
    const again = OutputLock.acquire(file, "test");
    assert.ok(again);
    again.release();
    assert.ok(!existsSync(lockFileFor(file)));
  });

  it("takes no lock on a device such as /dev/null", () => {
    assert.equal(OutputLock.acquire("/dev/null", "test"), undefined);
  });
});
