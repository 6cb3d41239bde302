import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Battle, Winner } from "../../src/core/battle.js";
import { itemAgreements } from "../../src/server/item-agreement.js";
import { ADMIN_PASSWORD, makePlatform, WebClient } from "./helpers.js";

let n = 0;
function battle(judge: string, item: number, winner: Winner, swapped = false): Battle {
  const [model_a, model_b, response_a, response_b] = swapped
    ? ["m2", "m1", `r2-${item}`, `r1-${item}`]
    : ["m1", "m2", `r1-${item}`, `r2-${item}`];
  return {
    schema: "psysim.battle/1",
    id: `b${n++}`,
    dialogue_id: `d${item}`,
    turn: 1,
    history_ref: `h${item}`,
    model_a,
    model_b,
    response_a,
    response_b,
    winner,
    judge,
    ts: "2026-01-01T00:00:00.000Z",
  };
}

describe("leaderboard and agreement", () => {
  it("computes Cohen's κ between annotators on shared items, flipping verdicts on swapped pairs", () => {
    // alice a,b,a,tie; bob a,b,b,tie (item 2 shown to bob with the models swapped, so his "a" means m1... here "b" flipped).
    // po = 3/4; pe = (2·1 + 1·2 + 1·1)/16 = 5/16; κ = (3/4 − 5/16)/(1 − 5/16) = 7/11 (by hand).
    const battles = [
      battle("human:alice", 1, "a"),
      battle("human:alice", 2, "b"),
      battle("human:alice", 3, "a"),
      battle("human:alice", 4, "tie"),
      battle("human:bob", 1, "a"),
      battle("human:bob", 2, "a", true),
      battle("human:bob", 3, "b"),
      battle("human:bob", 4, "tie"),
      battle("human:bob", 5, "a"), // only bob judged item 5: not shared
      battle("llm:gpt-4o:prompt2", 1, "a"),
      battle("llm:gpt-4o:prompt2", 3, "b"),
    ];
    const result = itemAgreements(battles);
    const between = result.betweenAnnotators[0]!;
    assert.deepEqual(
      [between.reference, between.judged, between.agreement.compared, between.agreement.agreed],
      ["human:alice", "human:bob", 4, 3],
    );
    assert.ok(Math.abs(between.agreement.kappa! - 7 / 11) < 1e-12);
    assert.deepEqual(
      result.judgeVsHuman.map((r) => [
        r.judged,
        r.reference,
        r.agreement.compared,
        r.agreement.agreed,
      ]),
      [
        ["llm:gpt-4o:prompt2", "human:alice", 2, 1],
        ["llm:gpt-4o:prompt2", "human:bob", 2, 2],
      ],
    );
  });

  it("rates human and imported LLM battles apart and shows intervals, counts, upvotes and agreement", async () => {
    const { app, store } = await makePlatform({ leaderboardRounds: 50 });
    const web = new WebClient(app);
    await web.login("admin", ADMIN_PASSWORD);
    // Human: m1 beats m2 three times in four. Bradley–Terry: r1 − r2 = 400·log10(3) = 190.85, centred on 1000 → 1095.4 / 904.6 (by hand).
    store.importBattles([
      battle("human:alice", 1, "a"),
      battle("human:alice", 2, "a"),
      battle("human:alice", 3, "a"),
      battle("human:alice", 4, "b"),
    ]);
    const llm =
      [battle("llm:judge", 1, "a"), battle("llm:judge", 2, "b")]
        .map((b) => JSON.stringify(b))
        .join("\n") + "\n";
    await web.get("/admin");
    const form = new FormData();
    form.append("_csrf", web.csrf);
    form.append("file", new File([llm], "llm-battles.jsonl"));
    const upload = await web.request("/admin/battles", { method: "POST", body: form });
    assert.ok(
      upload.text.includes("读取了 2 条对战记录：新增 2，已存在 0。"),
      upload.text.slice(0, 300),
    );
    const bad = new FormData();
    bad.append("_csrf", web.csrf);
    bad.append("file", new File(['{"id": "x"}\n'], "../../oops.jsonl"));
    const rejected = await web.request("/admin/battles", { method: "POST", body: bad });
    assert.equal(rejected.status, 400);
    assert.match(
      rejected.text,
      /<p>文件有问题： oops\.jsonl:1: dialogue_id: /,
      "the upload is named by its base name only, and reported as file:line: field",
    );

    const page = await web.get("/leaderboard");
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('id="board-human"') && page.text.includes('id="board-llm"'));
    const human = page.text.slice(
      page.text.indexOf('id="board-human"'),
      page.text.indexOf('id="board-llm"'),
    );
    assert.ok(human.includes("1095.4") && human.includes("904.6"), human);
    assert.match(page.text, /llm:judge \/ human:alice<\/td>\s*<td>2<\/td>\s*<td>\s*50\.0%/);
  });
});
