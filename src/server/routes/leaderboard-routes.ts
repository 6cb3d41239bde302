import { Hono } from "hono";
import type { Battle } from "../../core/battle.js";
import { PsysimError } from "../../core/errors.js";
import { buildLeaderboard, judgeKind } from "../../arena/leaderboard.js";
import { ratedBattles } from "../../arena/ratings-report.js";
import type { AnnotationStore } from "../annotation-store.js";
import { itemAgreements } from "../item-agreement.js";
import { leaderboardFigures } from "../views/leaderboard-charts.js";
import { leaderboardPage, type LeaderboardView } from "../views/leaderboard-page.js";
import { pageContext, requireUser, type AuthEnv } from "../web-auth.js";

/**
 * The leaderboard, for the admin only: annotators judging while they can see standings
 * would be nudged by them. Human and imported LLM battles are rated apart (by judge kind).
 */
export function leaderboardRoutes(
  store: AnnotationStore,
  options: { rounds: number; seed: number },
): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use("*", requireUser("admin"));
  app.get("/", async (c) => {
    // The rule `ratings` applies: identical candidates and skips never count (undone votes are not read).
    const { rated: battles } = ratedBattles([...store.iterateBattles()]);
    const groups = new Map<string, Battle[]>();
    for (const b of battles)
      groups.set(judgeKind(b.judge), [...(groups.get(judgeKind(b.judge)) ?? []), b]);
    const boards: LeaderboardView["boards"] = [...groups.entries()]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([kind, group]) => {
        try {
          return { kind, board: buildLeaderboard(group, options) };
        } catch (error) {
          if (error instanceof PsysimError) return { kind, board: null, problem: error.message };
          throw error;
        }
      });
    return c.html(
      leaderboardPage(pageContext(c), {
        boards,
        figures: await leaderboardFigures(boards, c.get("lang")),
        agreements: itemAgreements(battles),
        rounds: options.rounds,
      }),
    );
  });
  return app;
}
