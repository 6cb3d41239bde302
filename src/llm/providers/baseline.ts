import { PsysimError } from "../../core/errors.js";
import type { Language } from "../../core/language.js";
import type { RoleCard } from "../../core/role-card.js";
import {
  taskOf,
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
} from "../chat-model.js";
import { baselineMemoryHandler } from "./baseline-memory.js";

/**
 * psysim's rule-based BASELINE: a scripted client and counselor that need no model, so the
 * demo and the tests run anywhere. It is not an LLM and is never presented as one: its
 * id is `baseline`, `isBaseline` is true, and simulated dialogues carry `meta.baseline`.
 * It answers from the request's structured `task`, not from the prompt text.
 */
export type BaselineHandler = (request: ChatRequest, pick: (n: number) => number) => string;

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function sentences(text: string): string[] {
  // Closing quotes stay with their sentence, so a quoted remark is never split in two.
  return (text.match(/[^。！？!?.\n]+(?:[。！？!?.]+["”’」』)）]*)?/gu) ?? [])
    .map((s) => s.trim())
    .filter((s) => s.length > 1);
}

const count = (messages: ChatMessage[], role: ChatMessage["role"]): number =>
  messages.filter((m) => m.role === role).length;

const CLIENT_LINES: Record<Language, { openers: string[]; later: string[] }> = {
  zh: {
    openers: ["嗯，", "其实，", "怎么说呢，", "我想说的是，", ""],
    later: [
      "嗯，我想想……可能我一直在回避这件事。",
      "你这么一问，我发现自己其实挺在意别人的看法的。",
      "我觉得你说得有道理，只是做起来没那么容易。",
      "好像是这样，我以前没从这个角度想过。",
      "我可以试试，但我有点担心自己坚持不下来。",
    ],
  },
  en: {
    openers: ["Well, ", "Honestly, ", "I guess ", "The thing is, ", ""],
    later: [
      "Hmm, I think I've been avoiding this for a long time.",
      "Now that you ask, I realise I care a lot about what others think.",
      "That makes sense, it's just hard to actually do.",
      "Maybe, I hadn't looked at it that way before.",
      "I could try that, though I'm worried I won't keep it up.",
    ],
  },
};

/**
 * The card's `style` and `resistance_level` played by rule (docs/clients.md): the style shows in
 * two turns of three, as Patient-Ψ asks ("in some turns, not all"). reserved cuts the turn to its
 * first clause or a vague line, verbose and tangent append a detail or an unrelated remark,
 * pleasing agrees first, upset doubts first; a high resistance level dodges every third turn.
 */
const MANNER_LINES: Record<
  Language,
  Record<"reserved" | "verbose" | "tangent" | "pleasing" | "upset" | "dodge", string[]>
> = {
  zh: {
    reserved: ["嗯……不太好说。", "还好吧。", "就那样吧。"],
    verbose: [
      "说起来这事还得从去年讲起，那时候我刚换了工作，每天加班到很晚，回家就只想躺着，周末也提不起劲出门，朋友约我我都推掉了，现在想想那段时间真的很难熬。",
      "我记得有一次，我一个人在地铁上突然就想哭，也说不上为什么，就是觉得特别累，后来下了车在站台上坐了很久才回家，这种感觉后来又来过好几次。",
    ],
    tangent: [
      "对了，我们楼下新开了一家面馆，味道还挺不错的，就是排队的人太多了。",
      "说到这个，我想起我小时候养过一只猫，特别黏人，后来送给亲戚家了。",
      "哦对，最近天气变化好大，我前两天还感冒了一次。",
    ],
    pleasing: ["你说得太对了，", "嗯嗯，我完全同意你，", "你真的很懂我，"],
    upset: ["说实话我不觉得聊这些有什么用，", "你这么说我有点烦，", "我都说过了，"],
    dodge: ["这个我现在不太想说。", "换个话题吧。", "我不知道，别问了。"],
  },
  en: {
    reserved: ["Hmm... hard to say.", "It's fine, I guess.", "Not much to tell."],
    verbose: [
      "It really goes back to last year, when I had just changed jobs and was working late every night, and on weekends I had no energy to go out, so I kept turning my friends down, and looking back that whole stretch was really hard.",
      "I remember once I was on the subway and suddenly wanted to cry, I couldn't even say why, I just felt exhausted, and afterwards I sat on the platform for a long time before going home, and that feeling has come back a few times since.",
    ],
    tangent: [
      "Oh, by the way, a new noodle place opened downstairs, it's pretty good, though the line is always long.",
      "That reminds me, I had a cat as a kid, really clingy, we gave it to my aunt in the end.",
      "Oh, and the weather has been so strange lately, I caught a cold the other day.",
    ],
    pleasing: [
      "You're so right, ",
      "Yes, I completely agree with you, ",
      "You really understand me, ",
    ],
    upset: [
      "Honestly I don't see what talking about this does, ",
      "That kind of annoys me, ",
      "I already told you, ",
    ],
    dodge: [
      "I'd rather not talk about that right now.",
      "Can we talk about something else?",
      "I don't know, don't ask.",
    ],
  },
};

function applyManner(
  line: string,
  card: RoleCard,
  language: Language,
  said: number,
  pick: (n: number) => number,
): string {
  const lines = MANNER_LINES[language];
  const choose = (options: string[]) => options[pick(options.length)]!;
  if (card.resistance_level === "high" && said % 3 === 2) return choose(lines.dodge);
  if (said % 3 === 0) return line; // the style shows in some turns, not all
  const lower = language === "en" ? line.charAt(0).toLowerCase() + line.slice(1) : line;
  const gap = language === "en" ? " " : "";
  switch (card.style) {
    case "reserved": {
      const clause = line.split(/[，,；;]/u)[0]!.trim();
      return clause.length < line.length && pick(2) === 0 ? clause + "……" : choose(lines.reserved);
    }
    case "verbose":
      return line + gap + choose(lines.verbose);
    case "tangent":
      return line + gap + choose(lines.tangent);
    case "pleasing":
      return choose(lines.pleasing) + lower;
    case "upset":
      return choose(lines.upset) + lower;
    default:
      return line;
  }
}

const clientHandler: BaselineHandler = (request, pick) => {
  const { card, language } = taskOf(request, "client");
  const said = count(request.messages, "assistant"); // the client's own lines, greeting included
  return applyManner(
    plainClientLine(request, card, language, said, pick),
    card,
    language,
    said,
    pick,
  );
};

function plainClientLine(
  request: ChatRequest,
  card: RoleCard,
  language: Language,
  said: number,
  pick: (n: number) => number,
): string {
  const lines = CLIENT_LINES[language];
  const parts = sentences(card.chief_complaint);
  const part = parts[said - 1];
  if (part !== undefined) {
    const opener = lines.openers[pick(lines.openers.length)]!;
    if (opener === "" || part.startsWith(opener.replace(/[，, ]+$/u, ""))) return part;
    return language === "en" && !/^I\b/.test(part)
      ? opener + part.charAt(0).toLowerCase() + part.slice(1)
      : opener + part;
  }
  // Rotate through the later lines from a per-dialogue offset, so the client does not repeat itself.
  return lines.later[(said - parts.length - 1 + dialogueOffset(request)) % lines.later.length]!;
}

function dialogueOffset(request: ChatRequest): number {
  return hash(request.sampleKey.split("/turn-")[0] ?? "");
}

const COUNSELOR_LINES: Record<
  Language,
  {
    open: string[];
    /** A follow-up session opens by asking after the homework. */
    followup: string[];
    explore: string[];
    insight: string[];
    action: string[];
    close: string[];
  }
> = {
  zh: {
    open: ["你好，我是小天。今天想从哪里开始聊？", "你好，欢迎你来。最近有什么让你困扰的事情吗？"],
    followup: ["你好，又见面了。上次我们说好的事，这段时间试得怎么样？"],
    explore: [
      "你提到“{echo}”，能具体说说当时发生了什么吗？",
      "“{echo}”，这件事是从什么时候开始困扰你的？",
      "当你说“{echo}”的时候，心里是什么感受？",
    ],
    insight: [
      "听起来“{echo}”背后，你很在意别人怎么看你，是这样吗？",
      "你觉得这种感受和你过去的哪些经历有相似的地方？",
      "如果换一个角度看“{echo}”，你会对自己说些什么？",
    ],
    action: [
      "接下来一周，你愿意先尝试做哪一件小事来照顾自己？",
      "我们一起想想，下次再遇到类似的情况，你可以怎么回应？",
      "回顾一下今天，你觉得自己在看待这件事上有什么变化？",
    ],
    close: [
      "今天我们先聊到这里，你已经迈出了很重要的一步，保重，期待下次见到你。",
      "谢谢你今天的信任，回去试试我们商量的办法，下次见。",
    ],
  },
  en: {
    open: [
      "Hello, I'm Xiaotian. Where would you like to start today?",
      "Hi, I'm glad you came. What has been troubling you lately?",
    ],
    followup: ["Hello again. How did it go with what we agreed on last time?"],
    explore: [
      'You mentioned "{echo}"; could you tell me more about what happened?',
      'When did "{echo}" start to weigh on you?',
      'What goes on inside you when you say "{echo}"?',
    ],
    insight: [
      'It sounds like behind "{echo}" you care a lot about how others see you; is that right?',
      "Does this feeling remind you of anything from your past?",
      'If you looked at "{echo}" from another angle, what might you tell yourself?',
    ],
    action: [
      "What is one small thing you would be willing to try this week to look after yourself?",
      "Let's think together: how could you respond if something similar happens again?",
      "Looking back on today, what has changed in how you see this?",
    ],
    close: [
      "Let's pause here for today; you've taken an important step. Take care, and see you next time.",
      "Thank you for trusting me today; try what we discussed, and take care.",
    ],
  },
};

function echo(text: string, language: Language): string {
  const clause =
    text
      .replace(/["“”「」]/gu, "")
      .split(/[，,。.!！?？；;]/u)
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1) ?? text;
  if (language === "zh") return [...clause].slice(0, 14).join("");
  return clause.split(/\s+/).slice(0, 8).join(" ");
}

const counselorHandler: BaselineHandler = (request, pick) => {
  const { language, session_index } = taskOf(request, "counselor");
  const lines = COUNSELOR_LINES[language];
  const turn = count(request.messages, "user"); // client utterances so far = this counselor turn's number
  // Session length is fixed per dialogue (from the sample key's dialogue part), 8–14 turns.
  const offset = dialogueOffset(request);
  const length = 8 + (offset % 7);
  const stage =
    turn <= 1
      ? (session_index ?? 1) > 1
        ? lines.followup
        : lines.open
      : turn >= length
        ? lines.close
        : turn <= length * 0.35
          ? lines.explore
          : turn <= length * 0.75
            ? lines.insight
            : lines.action;
  const lastClient = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  // Rotate by turn (not at random) so consecutive replies differ; the attempt varies it too.
  return stage[(turn + offset + pick(2)) % stage.length]!.replace(
    "{echo}",
    echo(lastClient, language),
  );
};

const HANDLERS: Record<string, BaselineHandler> = {
  client: clientHandler,
  counselor: counselorHandler,
  memory: baselineMemoryHandler,
};

function roughTokens(text: string): number {
  return Math.ceil([...text].length / 2);
}

/** The offline baseline model. Other tasks (judges) can be added with `extraHandlers`. */
export function createBaselineChatModel(
  extraHandlers: Record<string, BaselineHandler> = {},
): ChatModel {
  const handlers = { ...HANDLERS, ...extraHandlers };
  return {
    id: "baseline",
    isBaseline: true,
    async complete(request: ChatRequest): Promise<ChatResponse> {
      const kind = request.task?.kind;
      const handler = kind ? handlers[kind] : undefined;
      if (!handler) {
        throw new PsysimError(
          "MODEL_SPEC_INVALID",
          `the rule-based baseline cannot act as ${kind ?? "an untyped model call"}; it plays ${Object.keys(handlers).join(", ")} only — use an LLM spec instead`,
        );
      }
      let state = hash(request.sampleKey);
      const pick = (n: number): number => {
        state = Math.imul(state ^ (state >>> 13), 0x5bd1e995) >>> 0;
        return state % n;
      };
      const content = handler(request, pick);
      const prompt = request.messages.reduce((sum, m) => sum + roughTokens(m.content), 0);
      return {
        content,
        finishReason: "stop",
        usage: {
          prompt_tokens: prompt,
          completion_tokens: roughTokens(content),
          calls: 1,
          cached_calls: 0,
          cost_usd: 0,
        },
      };
    },
  };
}
