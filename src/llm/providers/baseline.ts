import { PsysimError } from "../../core/errors.js";
import type { Language } from "../../core/language.js";
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse } from "../chat-model.js";

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

const clientHandler: BaselineHandler = (request, pick) => {
  const { card, language } = request.task!;
  if (!card)
    throw new PsysimError("MODEL_CALL_FAILED", "baseline client: the request carries no role card");
  const lines = CLIENT_LINES[language];
  const said = count(request.messages, "assistant"); // the client's own lines, greeting included
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
};

function dialogueOffset(request: ChatRequest): number {
  return hash(request.sampleKey.split("/turn-")[0] ?? "");
}

const COUNSELOR_LINES: Record<
  Language,
  { open: string[]; explore: string[]; insight: string[]; action: string[]; close: string[] }
> = {
  zh: {
    open: ["你好，我是小天。今天想从哪里开始聊？", "你好，欢迎你来。最近有什么让你困扰的事情吗？"],
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
  const { language } = request.task!;
  const lines = COUNSELOR_LINES[language];
  const turn = count(request.messages, "user"); // client utterances so far = this counselor turn's number
  // Session length is fixed per dialogue (from the sample key's dialogue part), 8–14 turns.
  const offset = dialogueOffset(request);
  const length = 8 + (offset % 7);
  const stage =
    turn <= 1
      ? lines.open
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
