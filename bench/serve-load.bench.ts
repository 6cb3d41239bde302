// Load on the annotation platform: N annotators vote concurrently over loopback HTTP for a
// bounded time against the offline baseline agents (rule-based: no model time). Checks
// that every acknowledged vote is in the database and that SQLite's integrity check passes;
// reports vote latency percentiles. test/server/load.test.ts runs a short version.
import { serve, type ServerType } from "@hono/node-server";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { arenaCounselor } from "../src/arena/arena-counselor.js";
import { deriveSeed, SeededRandom } from "../src/core/random.js";
import { normaliseRoleCard } from "../src/core/role-card.js";
import { createBaselineChatModel } from "../src/llm/providers/baseline.js";
import { createApp } from "../src/server/app.js";
import { hashPassword } from "../src/server/password.js";
import { SimulationSessionEngine } from "../src/server/simulation-session-engine.js";
import { SqliteAnnotationStore } from "../src/server/sqlite-annotation-store.js";

export interface LoadOptions {
  annotators: number;
  /** Annotators stop voting at this time (in-flight requests still finish). */
  durationMs: number;
  /** Each annotator stops after this many votes; default no limit. */
  votesPerAnnotator?: number;
  /** Mean pause between seeing the candidates and voting (uniform 0.5–1.5× this, seeded); 0 hammers the server. */
  thinkMs?: number;
}

export interface LoadResult {
  annotators: number;
  durationMs: number;
  acknowledged: number;
  stored: number;
  /** Acknowledged votes missing from the database: must be 0. */
  lost: string[];
  sessionsFinished: number;
  integrity: string;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  votesPerSecond: number;
}

const PASSWORD = "load-test-password";
/** Cheap scrypt for the 50 bench accounts; login cost is not what this measures. */
const SCRYPT = { N: 1024, r: 8, p: 1 };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

class Annotator {
  private cookies = new Map<string, string>();
  csrf = "";
  constructor(private readonly base: string) {}

  async send(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; location: string | null; text: string }> {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1]!;
    return { status: res.status, location: res.headers.get("location"), text };
  }

  post(path: string, fields: Record<string, string> = {}) {
    return this.send(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: this.csrf, ...fields }),
    });
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "psysim-load-"));
  const store = new SqliteAnnotationStore(join(dir, "annotations.sqlite"));
  const baseline = createBaselineChatModel();
  const counselors = new Map(
    ["baseline-a", "baseline-b"].map((name) => [
      name,
      arenaCounselor(
        { name, model: "baseline", systemPrompt: { kind: "three-stage" }, sampling: {} },
        baseline,
      ),
    ]),
  );
  const engine = new SimulationSessionEngine({ client: baseline, counselors, maxTurns: 50 });
  const { app } = createApp({ store, engine, scrypt: SCRYPT, isBaseline: true });
  const cards = Array.from({ length: 20 }, (_, i) =>
    normaliseRoleCard({
      id: `card-${i}`,
      language: "zh",
      chief_complaint: `我最近压力很大，第${i}件事让我睡不着。我不知道该怎么办。`,
    }),
  );
  store.upsertRoleCards(cards);
  const hash = await hashPassword(PASSWORD, SCRYPT);
  for (let a = 0; a < options.annotators; a++) {
    const user = store.createUser(`annotator-${a}`, "annotator", hash);
    store.createAssignments(
      cards.map((card) => ({
        annotatorId: user.id,
        cardId: card.id,
        counselorA: "baseline-a",
        counselorB: "baseline-b",
        mode: "arena" as const,
      })),
    );
  }
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const acknowledged = new Set<string>();
  const latencies: number[] = [];
  let sessionsFinished = 0;
  const deadline = performance.now() + options.durationMs;
  const picks = ["A", "B", "tie", "both_bad"];

  const work = async (index: number): Promise<void> => {
    const random = new SeededRandom(deriveSeed(0, `annotator-${index}`));
    const me = new Annotator(base);
    await me.send("/login");
    const login = await me.post("/login", { name: `annotator-${index}`, password: PASSWORD });
    if (login.status !== 303)
      throw new Error(`login failed for annotator-${index}: ${login.status}`);
    const assignments = store.listAssignments({
      annotatorId: store.findLogin(`annotator-${index}`)!.user.id,
    });
    await me.send("/");
    let mine = 0;
    const more = () =>
      performance.now() < deadline && mine < (options.votesPerAnnotator ?? Infinity);
    for (let k = 0; more() && k < assignments.length; k++) {
      const started = await me.post(`/assignments/${assignments[k]!.id}/start`);
      const path = started.location!.replace(/#.*/, "");
      const id = path.split("/").at(-1)!;
      for (let v = 0; more(); v++) {
        const page = await me.send(path);
        const turn = /name="turn" value="(\d+)"/.exec(page.text)?.[1];
        if (!turn) {
          if (!page.text.includes('class="reveal"'))
            throw new Error(`session ${id} neither open nor ended: ${page.text.slice(0, 200)}`);
          sessionsFinished++;
          break;
        }
        if (options.thinkMs)
          await new Promise((r) => setTimeout(r, options.thinkMs! * (0.5 + random.next())));
        const t0 = performance.now();
        const voted = await me.post(`${path}/vote`, { turn, pick: picks[(index + v) % 4]! });
        latencies.push(performance.now() - t0);
        if (voted.status !== 303)
          throw new Error(`vote refused: ${voted.status} ${voted.text.slice(0, 200)}`);
        acknowledged.add(`${id}/turn-${turn}`);
        mine++;
      }
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: options.annotators }, (_, i) => work(i)));
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const elapsed = performance.now() - started;
  const stored = new Set([...store.iterateBattles()].map((b) => b.id));
  const integrity = store.integrityCheck();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    annotators: options.annotators,
    durationMs: Math.round(elapsed),
    acknowledged: acknowledged.size,
    stored: stored.size,
    lost: [...acknowledged].filter((id) => !stored.has(id)),
    sessionsFinished,
    integrity,
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p90: percentile(latencies, 0.9),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? NaN,
    },
    votesPerSecond: (latencies.length / elapsed) * 1000,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const f = (x: number) => x.toFixed(1);
  let failed = false;
  for (const [label, thinkMs] of [
    ["annotators reading (think 2 s)", 2000],
    ["no think time (saturation)", 0],
  ] as const) {
    const result = await runLoad({ annotators: 50, durationMs: 20_000, thinkMs });
    console.log(
      `${label}: ${result.annotators} annotators, ${result.durationMs} ms, ${result.acknowledged} votes acknowledged, ${result.stored} stored, ${result.lost.length} lost, ${result.sessionsFinished} sessions finished, integrity_check ${result.integrity}`,
    );
    console.log(
      `  vote latency ms: p50 ${f(result.latencyMs.p50)}, p90 ${f(result.latencyMs.p90)}, p99 ${f(result.latencyMs.p99)}, max ${f(result.latencyMs.max)}; ${f(result.votesPerSecond)} votes/s; p99 / 50 ms target = ${(result.latencyMs.p99 / 50).toFixed(2)}`,
    );
    failed ||= result.lost.length > 0 || result.integrity !== "ok";
  }
  console.log(
    `load average ${(await import("node:os"))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  if (failed) process.exit(1);
}
