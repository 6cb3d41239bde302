import type { Language } from "../../core/language.js";

export const WAI_FACTORS = ["goal", "task", "bond"] as const;
export type WaiFactor = (typeof WAI_FACTORS)[number];

/** One WAI-O-S item (reference/wai-o-s.md; the paper's Figure 10 numbering). */
export interface WaiItem {
  /** 1–12, short-form numbering as in the paper's Figure 10. */
  number: number;
  /** The item's number in the full 36-item WAI-O. */
  waiONumber: number;
  factor: WaiFactor;
  /** Negatively worded: scored 8 − x before any factor mean. */
  reversed: boolean;
  text: Record<Language, string>;
  /** What moves the rating up or down from 4, in psysim's own words after the WAI-O manual's rater notes. */
  evidence: Record<Language, { higher: string; lower: string }>;
}

export const WAI_ITEMS: readonly WaiItem[] = [
  {
    number: 1,
    waiONumber: 2,
    factor: "task",
    reversed: false,
    text: {
      en: "There is agreement about the steps taken to help improve the client's situation.",
      zh: "双方对为改善来访者处境所采取的步骤意见一致。",
    },
    evidence: {
      en: {
        higher:
          "the client goes along with the exploration willingly, takes up the suggested tasks with interest and seems sure they serve the goal",
        lower:
          "the client rejects or disputes the suggested steps, merely goes through the motions, or seems unsure how the steps relate to what they want",
      },
      zh: {
        higher: "来访者愿意跟随咨询师的探索，积极投入所提出的任务，并相信这些任务有助于达成目标",
        lower: "来访者拒绝或争辩所提出的步骤，只是敷衍应付，或看不出这些步骤与自己想要的有什么关系",
      },
    },
  },
  {
    number: 2,
    waiONumber: 4,
    factor: "task",
    reversed: false,
    text: {
      en: "There is agreement about the usefulness of the current activity in therapy (the client is seeing new ways to look at his/her problem).",
      zh: "双方都认同当前咨询活动是有用的（来访者开始用新的角度看待自己的问题）。",
    },
    evidence: {
      en: {
        higher:
          'the client joins the activity right away, discovers new angles on the problem ("I never saw it that way"), and both treat the work as worthwhile',
        lower:
          "the client calls the activity pointless, does not take part, or holds back until the counselor justifies it",
      },
      zh: {
        higher:
          "来访者很快投入当前活动，对问题产生新的看法（如“我从没这样想过”），双方都把这项工作看得很重要",
        lower: "来访者认为当前活动没用、不参与，或在咨询师解释理由之前一直犹豫",
      },
    },
  },
  {
    number: 3,
    waiONumber: 8,
    factor: "bond",
    reversed: false,
    text: {
      en: "There is a mutual liking between the client and counselor.",
      zh: "来访者与咨询师彼此喜欢。",
    },
    evidence: {
      en: {
        higher:
          "warmth runs through the session, the counselor shows real interest in the client's life, the client says or shows that the counselor cares",
        lower:
          "open dislike or hostility, a cold or mechanical counselor, details the client shared are forgotten",
      },
      zh: {
        higher: "整个会谈气氛温暖，咨询师真诚关心来访者的生活，来访者表示或表现出感到被关心",
        lower: "出现明显的反感或敌意，咨询师冷淡、机械，忘记来访者讲过的细节",
      },
    },
  },
  {
    number: 4,
    waiONumber: 12,
    factor: "goal",
    reversed: true,
    text: {
      en: "There are doubts or a lack of understanding about what participants are trying to accomplish in therapy.",
      zh: "双方对咨询想要达成什么存在疑虑或缺乏理解。",
    },
    evidence: {
      en: {
        higher:
          "goals are renegotiated again and again, the counselor acts as the expert who decides, the two pursue different goals without finding a compromise",
        lower: "both clearly work toward goals they share and understand",
      },
      zh: {
        higher: "目标被反复重新商定，咨询师以专家身份替来访者做决定，双方追求不同的目标且没有折中",
        lower: "双方明确朝着共同认可、彼此理解的目标努力",
      },
    },
  },
  {
    number: 5,
    waiONumber: 21,
    factor: "bond",
    reversed: false,
    text: {
      en: "The client feels confident in the counselor's ability to help the client.",
      zh: "来访者相信咨询师有能力帮助自己。",
    },
    evidence: {
      en: {
        higher:
          "the client voices confidence in the counselor, praises or agrees with the counselor's competence",
        lower:
          "the client doubts the counselor's skill or qualifications and has little hope the sessions will help",
      },
      zh: {
        higher: "来访者表达对咨询师的信心，称赞或认同咨询师的专业能力",
        lower: "来访者怀疑咨询师的能力或资质，对咨询能否帮到自己不抱希望",
      },
    },
  },
  {
    number: 6,
    waiONumber: 22,
    factor: "goal",
    reversed: false,
    text: {
      en: "The client and counselor are working on mutually agreed upon goals.",
      zh: "来访者与咨询师正在朝着双方共同认可的目标努力。",
    },
    evidence: {
      en: {
        higher:
          "steady progress on goals both accepted within the session; a topic is brought to closure before moving on",
        lower: "topics change abruptly; the two clash over what to work on",
      },
      zh: {
        higher: "双方在会谈中就共同认可的目标稳步推进，一个话题告一段落后才转向下一个",
        lower: "话题突然转换，双方在要处理什么问题上发生冲突",
      },
    },
  },
  {
    number: 7,
    waiONumber: 23,
    factor: "bond",
    reversed: false,
    text: {
      en: "The client feels that the counselor appreciates him/her as a person.",
      zh: "来访者感到咨询师欣赏和重视自己这个人。",
    },
    evidence: {
      en: {
        higher:
          "the counselor shows warmth that the client responds to; the client feels liked or thanks the counselor",
        lower:
          "the client says the counselor does not care, or experiences the counselor as distant or mechanical",
      },
      zh: {
        higher: "咨询师表现出温暖且来访者有所回应，来访者感到被喜欢，或向咨询师表示感谢",
        lower: "来访者说咨询师不关心自己，或感到咨询师疏远、机械",
      },
    },
  },
  {
    number: 8,
    waiONumber: 24,
    factor: "task",
    reversed: false,
    text: {
      en: "There is agreement on what is important for the client to work on.",
      zh: "双方对来访者需要重点处理什么问题意见一致。",
    },
    evidence: {
      en: {
        higher:
          "each responds to what the other brings; the counselor follows and accepts the client's changes of focus",
        lower:
          "the counselor will not let the client move on; they disagree on where the focus should be",
      },
      zh: {
        higher: "双方相互回应，咨询师跟随并接受来访者关注点的转变",
        lower: "咨询师不让来访者转向别的问题，双方对重点应放在哪里有分歧",
      },
    },
  },
  {
    number: 9,
    waiONumber: 26,
    factor: "bond",
    reversed: false,
    text: {
      en: "There is mutual trust between the client and counselor.",
      zh: "来访者与咨询师相互信任。",
    },
    evidence: {
      en: {
        higher:
          "the client discloses openly and personally, statements are taken at face value, the counselor is at ease",
        lower: "the client says there is no trust, or both stay guarded",
      },
      zh: {
        higher: "来访者坦率、深入地自我暴露，双方的话都被如实接受，咨询师表现自在",
        lower: "来访者表示不信任，或双方都有所戒备",
      },
    },
  },
  {
    number: 10,
    waiONumber: 27,
    factor: "goal",
    reversed: true,
    text: {
      en: "The client and counselor have different ideas about what the client's real problems are.",
      zh: "来访者与咨询师对来访者真正的问题是什么看法不同。",
    },
    evidence: {
      en: {
        higher:
          "what the real problem is stays in dispute, topics the client raises are ignored, the counselor discounts the client's view",
        lower: "the two agree throughout on what the problems are",
      },
      zh: {
        higher: "双方对真正的问题是什么一直有争议，来访者提出的话题被忽略，咨询师轻视来访者的看法",
        lower: "双方始终一致地认同问题是什么",
      },
    },
  },
  {
    number: 11,
    waiONumber: 32,
    factor: "goal",
    reversed: false,
    text: {
      en: "The client and counselor have established a good understanding of the changes that would be good for the client.",
      zh: "来访者与咨询师对什么样的改变对来访者有益已经形成了良好的共识。",
    },
    evidence: {
      en: {
        higher:
          "where the client stands and where they are heading is talked through; progress and goals are made explicit",
        lower:
          "open misunderstanding about the change wanted, or the client doubts change is possible at all",
      },
      zh: {
        higher: "双方讨论了来访者目前的状况和努力的方向，进展和目标被明确说出",
        lower: "双方对想要的改变明显存在误解，或来访者怀疑改变根本不可能",
      },
    },
  },
  {
    number: 12,
    waiONumber: 35,
    factor: "task",
    reversed: false,
    text: {
      en: "The client believes that the way they are working with his/her problem is correct.",
      zh: "来访者相信目前处理自己问题的方式是正确的。",
    },
    evidence: {
      en: {
        higher:
          "the client agrees with the approach, proposes tasks themselves and is pleased with how the work is going",
        lower: "the client does not believe in the process; there is more arguing than counseling",
      },
      zh: {
        higher: "来访者认同咨询方式，主动提出任务，对工作的进展感到满意",
        lower: "来访者不相信咨询过程，争论多于咨询",
      },
    },
  },
];

/**
 * The manual's anchoring rule (WAI-O Revision IV), in psysim's words: start at 4, move only on
 * evidence. The prompt set psysim-v1 adds "do not rate high by default" in its templates.
 */
const SCALE_RULE: Record<Language, string> = {
  en: "Rate only from what happens in the session. Start at 4, which means no evidence either way (or as much evidence for as against), and move away from 4 only as far as the evidence carries you: 5 = some evidence for the statement, 6 = considerable evidence, 7 = very strong evidence; 3 = some evidence against it, 2 = considerable evidence against, 1 = very strong evidence against.",
  zh: "只依据会谈中实际发生的内容评分。从 4 分开始，4 分表示没有任何证据（或支持与反对的证据一样多），只在证据足够时才偏离 4 分：5 分 = 有一些支持该陈述的证据，6 分 = 有较多证据，7 分 = 有非常有力的证据；3 分 = 有一些反对的证据，2 分 = 有较多反对的证据，1 分 = 有非常有力的反对证据。",
};

const REVERSED_NOTE: Record<Language, string> = {
  en: "This statement is worded negatively: rate the statement as written, so a higher score means more of the problem it describes.",
  zh: "这条陈述是反向表述的：请按陈述本身的字面意思评分，分数越高表示陈述所描述的问题越明显。",
};

/** The guideline shown with one item: the anchoring rule, then what moves this item up or down. */
export function waiGuideline(item: WaiItem, language: Language): string {
  const e = item.evidence[language];
  const lines =
    language === "zh"
      ? [SCALE_RULE.zh, `倾向高分的证据：${e.higher}。`, `倾向低分的证据：${e.lower}。`]
      : [
          SCALE_RULE.en,
          `Evidence toward a higher score: ${e.higher}.`,
          `Evidence toward a lower score: ${e.lower}.`,
        ];
  if (item.reversed) lines.push(REVERSED_NOTE[language]);
  return lines.join("\n");
}

/** Reverse keying: negatively worded items are scored 8 − x on the 1–7 scale. */
export function keyedScore(item: WaiItem, raw: number): number {
  return item.reversed ? 8 - raw : raw;
}

export function waiItem(number: number): WaiItem {
  const item = WAI_ITEMS[number - 1];
  if (!item || item.number !== number)
    throw new RangeError(`no WAI-O-S item ${number}; items are 1-12`);
  return item;
}
