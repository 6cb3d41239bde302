import type { TopLevelSpec } from "vega-lite";
import { buildLeaderboard } from "../../src/arena/leaderboard.js";
import type { Battle } from "../../src/core/battle.js";
import type { Language } from "../../src/core/language.js";
import { SeededRandom } from "../../src/core/random.js";
import { SMILE_TOPICS } from "../../src/evaluation/topics/smile-topics.js";
import {
  battleMatrixChartSpec,
  fidelityHistogramSpec,
  ratingsChartSpec,
  stageSharesSpec,
  topicBarsSpec,
  waiBoxplotSpec,
} from "../../src/report/index.js";

/** The paper's six counselors (Figure 6), with names long enough to test label room. */
export const COUNSELORS = [
  "simpsybot_D",
  "simpsybot_Q",
  "gpt-4o-2024-08-06",
  "Qwen1.5-110B-Chat",
  "MeChat",
  "PsyChat",
];

/** Seeded battles where earlier counselors in the list tend to win; one judge each. */
export function syntheticBattles(judge: string, n: number, seed: number): Battle[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: n }, (_, k) => {
    const i = Math.floor(random.next() * COUNSELORS.length);
    let j = Math.floor(random.next() * (COUNSELORS.length - 1));
    if (j >= i) j += 1;
    const r = random.next();
    const winner = r < 0.1 ? "tie" : r < 0.1 + 0.55 * (i < j ? 1 : 0.6) ? "a" : "b";
    return {
      id: `${judge}-${k}`,
      dialogue_id: `d${k % 97}`,
      turn: k % 12,
      history_ref: "h",
      model_a: COUNSELORS[i]!,
      model_b: COUNSELORS[j]!,
      response_a: `reply ${k} from ${COUNSELORS[i]}`,
      response_b: `reply ${k} from ${COUNSELORS[j]}`,
      winner,
      judge,
      ts: new Date(Date.UTC(2026, 0, 1, 0, 0, k)).toISOString(),
    } satisfies Battle;
  });
}

function spread(random: SeededRandom, centre: number, width: number): number {
  return centre + (random.next() - 0.5) * width;
}

/** Every figure psysim draws, with worst-case inputs: all 56 topics, six models, three judges. */
export function everyFigure(language: Language): { name: string; spec: TopLevelSpec }[] {
  const random = new SeededRandom(7);
  const sessions = Array.from({ length: 200 }, () => random.next());
  const boards = {
    "llm:gpt-4o:prompt2": buildLeaderboard(syntheticBattles("llm:gpt-4o:prompt2", 900, 1), {
      rounds: 50,
      seed: 0,
    }),
    "llm:qwen1.5-110b-chat:prompt2": buildLeaderboard(
      syntheticBattles("llm:qwen1.5-110b-chat:prompt2", 900, 2),
      { rounds: 50, seed: 0 },
    ),
    human: buildLeaderboard(syntheticBattles("human:counselor-1", 291, 3), {
      rounds: 50,
      seed: 0,
    }),
  };
  const distribution = (seed: number) => {
    const r = new SeededRandom(seed);
    const raw = SMILE_TOPICS.map((t) => ({ ...t, weight: r.next() ** 3 }));
    const total = raw.reduce((s, t) => s + t.weight, 0);
    return raw.map(({ weight, ...t }) => ({ ...t, share: weight / total, mean_count: weight }));
  };
  const wai = (centre: number, width: number) =>
    Array.from({ length: 100 }, (_, k) => ({
      dialogue_id: `d${k}`,
      items: {},
      factors: {
        goal: spread(random, centre, width),
        task: spread(random, centre + 0.1, width),
        bond: spread(random, centre - 0.1, width),
      },
      total: centre,
      missing: 0,
      ratings: [],
    }));
  return [
    {
      name: "fig2a-overlap",
      spec: fidelityHistogramSpec(
        { true: sessions.map((x) => 0.3 + 0.2 * x), random: sessions.map((x) => 0.2 + 0.15 * x) },
        { metric: "overlap", language },
      ),
    },
    {
      name: "fig2b-cosine",
      spec: fidelityHistogramSpec(
        { true: sessions.map((x) => 0.7 + 0.2 * x), random: sessions.map((x) => 0.5 + 0.15 * x) },
        { metric: "cosine", language, embedding: { label: "lexical-baseline", baseline: true } },
      ),
    },
    {
      name: "fig3-topics",
      spec: topicBarsSpec(
        [
          { name: "RealPsyDial", distribution: distribution(1) },
          { name: "SimPsyDial", distribution: distribution(2) },
        ],
        language,
      ),
    },
    {
      name: "fig4-wai",
      spec: waiBoxplotSpec(
        [
          { name: "RealPsyDial", sessions: wai(5.5, 2.5) },
          { name: "SimPsyDial", sessions: wai(6.0, 1.0) },
        ],
        language,
      ),
    },
    {
      name: "stages-by-tenth",
      spec: stageSharesSpec(
        COUNSELORS.slice(0, 3).map((name, k) => ({
          name,
          share_by_tenth: Array.from({ length: 10 }, (_, t) => {
            // Sessions under ten counselor turns leave some tenths empty.
            if (k === 2 && t % 3 === 1) return null;
            const action = Math.min(1, (t / 10) * (0.6 + 0.2 * k));
            const insight = Math.min(1 - action, 0.3);
            return { exploration: 1 - action - insight, insight, action };
          }),
        })),
        language,
      ),
    },
    { name: "fig6-ratings", spec: ratingsChartSpec(boards, language) },
    { name: "fig6-ratings-one-judge", spec: ratingsChartSpec({ all: boards.human }, language) },
    {
      name: "fig14-battles",
      spec: battleMatrixChartSpec(boards["llm:gpt-4o:prompt2"].matrix, language),
    },
  ];
}
