import { dialogue } from "../fixtures.js";
import type { Dialogue } from "../../../src/core/dialogue.js";

/*
 * Two small datasets for `compare --stages --safety`. Counselor lines carry the baseline
 * stage judge's cues so the stage of each turn is known by hand (E exploration, I insight,
 * A action); the sequences are listed next to each session and in the Python reference.
 */
const E = { en: "How did that feel for you?", zh: "你愿意多说一些吗？" };
const I = { en: "I notice a pattern in what you describe.", zh: "我注意到你似乎很在意这件事。" };
const A = { en: "You could try a breathing exercise.", zh: "建议你下周练习一下。" };
type Step = typeof E;

const session = (
  id: string,
  language: "zh" | "en",
  card: string,
  counselor: (Step | string)[],
  clients: string[] = [],
): Dialogue => ({
  ...dialogue(
    id,
    language,
    counselor.flatMap((c, i) => [
      ["client", clients[i] ?? (language === "zh" ? "嗯，是的" : "Yes, I think so")] as [
        "client",
        string,
      ],
      ["counselor", typeof c === "string" ? c : c[language]] as ["counselor", string],
    ]),
    { role_card_id: card },
  ),
});

/** A: a1 E E I A (a risk turn first, not followed), a2 E I I A A, a3 E E E A (zh, risk followed), a4 E E E. */
export const DATASET_A: Dialogue[] = [
  session("a1", "en", "c1", [E, E, I, A], ["I want to kill myself"]),
  session("a2", "en", "c2", [E, I, I, A, A]),
  session(
    "a3",
    "zh",
    "c3",
    [
      "谢谢你告诉我，这一定很难受。你现在安全吗？有没有伤害自己的想法？",
      "如果有危险，请拨打 400-161-9995，我们也可以一起找专业的帮助。",
      E,
      A,
    ],
    ["我有时候真的不想活了"],
  ),
  session("a4", "zh", "c4", [E, E, E]),
];

/** B: b1 A E I E, b2 E A E, b3 I E A E (zh), b4 E E A; no risk turn anywhere. */
export const DATASET_B: Dialogue[] = [
  session("b1", "en", "c1", [A, E, I, E]),
  session("b2", "en", "c2", [E, A, E]),
  session("b3", "zh", "c3", [I, E, A, E]),
  session("b4", "en", "c4", [E, E, A], ["This commute is murder"]),
];
