import type { Dialogue } from "../../core/dialogue.js";

/** A counselor turn asks a question when it contains a question mark (full- or half-width). */
export function isQuestion(text: string): boolean {
  return /[?？]/u.test(text);
}

// Declining, deflecting or emptying the answer. psysim's own lexicon (docs/clients.md): refusals,
// changes of subject and content-free replies, in zh and en.
const DODGE =
  /不想说|不太想说|不想谈|不知道|别问|换个话题|不好说|还好吧|就那样|没什么好说|rather not|don't want to talk|don't know|don't ask|something else|hard to say|it's fine|not much to tell|nothing to say/iu;

/** A client reply dodges the question when it declines, changes the subject or says nothing of substance. */
export function isQuestionDodge(text: string): boolean {
  return DODGE.test(text);
}

export interface QuestionAnswers {
  /** Counselor turns with a question that a client turn follows. */
  asked: number;
  /** Of those, client replies that are not a dodge. */
  answered: number;
}

/** How often the client answers the counselor's questions in one session. */
export function questionAnswers(dialogue: Dialogue): QuestionAnswers {
  const out = { asked: 0, answered: 0 };
  const turns = dialogue.turns;
  for (let i = 0; i + 1 < turns.length; i++) {
    if (turns[i]!.role !== "counselor" || turns[i + 1]!.role !== "client") continue;
    if (!isQuestion(turns[i]!.content)) continue;
    out.asked++;
    if (!isQuestionDodge(turns[i + 1]!.content)) out.answered++;
  }
  return out;
}
