import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";

type ClientStyle = NonNullable<RoleCard["style"]>;
type ResistanceLevel = NonNullable<RoleCard["resistance_level"]>;

/**
 * How a styled client talks. Source: Patient-Ψ (Wang et al. 2024), repository
 * ruiyiw/patient-psi, file app/api/data/patient-types.jsx — its six patient types, each a list of
 * behaviours, a five-sentence cap, "be natural: show the style in some turns, not all" and "ease as
 * trust grows". The wording here is psysim's own; `plain` adds nothing in Patient-Ψ and gets one
 * neutral line here so a plain card is visibly a plain card in the prompt it recorded.
 */
const STYLE_TEXT: Record<ClientStyle, Record<Language, string>> = {
  plain: {
    zh: "说话风格：普通。照你平常的样子说话，不刻意表现任何风格。",
    en: "Manner of speaking: plain. Talk the way you normally would, with no particular manner.",
  },
  upset: {
    zh: "说话风格：带着火气。你可能对咨询师或咨询本身有不满和抵触，会质疑甚至不理会对方的建议，很难信任对方，容易争辩或流露出烦躁。",
    en: "Manner of speaking: upset. You may be angry with the counselor or with counseling itself, question or brush off what they suggest, find it hard to trust them, and argue or show your frustration.",
  },
  verbose: {
    zh: "说话风格：话多。你回答时会讲很多细节，不管是否切题；会大段讲自己的经历、想法和感受；咨询师不太容易把话题引回来。此时可以超出第4条的一到两句。",
    en: "Manner of speaking: talkative. You answer with many details, relevant or not, dwell at length on your own experiences, thoughts and feelings, and are hard for the counselor to steer. In such turns you may go beyond rule 4's one or two sentences.",
  },
  reserved: {
    zh: "说话风格：戒备。你的回答常常简短、含糊或躲闪；不愿透露个人的事情和感受；要咨询师多问几次、多鼓励才会打开；对咨询师有些怀疑。",
    en: "Manner of speaking: guarded. Your answers are often short, vague or evasive; you are reluctant to share personal matters or feelings, open up only after more questions and encouragement, and are somewhat sceptical of the counselor.",
  },
  tangent: {
    zh: "说话风格：爱跑题。你常常答着答着就扯到不相关的事情上，讲一些和问题无关的个人小故事，很难专注在眼前的话题上，需要咨询师把你拉回来。",
    en: "Manner of speaking: goes off on tangents. You start to answer and soon drift to unrelated things, tell personal anecdotes that do not bear on the question, find it hard to stay on the point, and need the counselor to bring you back.",
  },
  pleasing: {
    zh: "说话风格：讨好。你会轻描淡写自己的困扰以保持好形象；急于让咨询师满意，不表达反对或不满；常常寻求对方的认可；即使没完全明白或并不同意，也很快附和对方的说法和建议；会过分夸奖咨询师。",
    en: "Manner of speaking: eager to please. You play down your own troubles to keep up a good image, try hard to please the counselor and hide any disagreement or dissatisfaction, often seek their approval, agree readily with what they say or suggest even when you do not fully understand or agree, and praise them more than the occasion calls for.",
  },
};

/** Patient-Ψ's closing instructions, shared by every style but plain (same source). */
const STYLE_TAIL: Record<Language, string> = {
  zh: "要自然：这种风格只在部分回合里出现，其他回合照常说话；随着你对咨询师越来越信任，它可以慢慢减弱。无论如何，每次不超过5句。",
  en: "Be natural: let this manner show in some turns and talk normally in others; as you come to trust the counselor during the session, it may ease. Never say more than five sentences in one turn.",
};

/**
 * Resistance to counseling, in three steps. psysim's own (the paper names modelled resistance as
 * future work): the steps follow motivational interviewing's distinction between ambivalence
 * ("yes, but…", sustain talk) and discord with the counselor (Miller & Rollnick, Motivational
 * Interviewing, 3rd ed., 2013). low: willing and open; moderate: ambivalent, holds back on painful
 * topics until trust is earned and doubts some suggestions; high: came reluctantly, deflects
 * personal questions, doubts counseling can help, turns suggestions down, and opens up only slowly
 * — but stays in the session, so the dialogue is still a session.
 */
const RESISTANCE_TEXT: Record<ResistanceLevel, Record<Language, string>> = {
  low: {
    zh: "对咨询的抗拒：低。你是自愿来的，被问到时愿意敞开说，也愿意尝试咨询师的建议。",
    en: "Resistance to counseling: low. You came of your own accord, open up when asked, and are willing to try the counselor's suggestions.",
  },
  moderate: {
    zh: "对咨询的抗拒：中等。你心里有些矛盾：在咨询师赢得你的信任之前，最痛的部分先不说；对一些建议会说“是，但是……”，讲出你的顾虑。",
    en: 'Resistance to counseling: moderate. You are of two minds: you hold back the most painful parts until the counselor has earned some trust, and you meet some suggestions with "yes, but…" and say what worries you.',
  },
  high: {
    zh: "对咨询的抗拒：高。你是勉强来的，怀疑咨询能有什么用。被问到个人的事情时常常回避、岔开或只说一点；会拒绝或反驳咨询师的建议；只有在感到对方真正理解你之后才一点点打开。但你不会离开这次咨询。",
    en: "Resistance to counseling: high. You came reluctantly and doubt counseling can help. You often sidestep, deflect or say very little when asked about personal matters, turn down or argue with the counselor's suggestions, and open up only bit by bit once you feel truly understood. You do not walk out of the session, though.",
  },
};

/**
 * The rules a card's `style` and `resistance_level` add after Figure 7's six, numbered from 7
 * (style first). Empty when the card sets neither, so such a card gets Figure 7 exactly.
 */
export function clientMannerRules(card: RoleCard, language: Language): string {
  const rules: string[] = [];
  if (card.style) {
    const tail =
      card.style === "plain" ? "" : (language === "zh" ? "" : " ") + STYLE_TAIL[language];
    rules.push(STYLE_TEXT[card.style][language] + tail);
  }
  if (card.resistance_level) rules.push(RESISTANCE_TEXT[card.resistance_level][language]);
  return rules.map((rule, i) => `${7 + i}. ${rule}`).join("\n");
}
