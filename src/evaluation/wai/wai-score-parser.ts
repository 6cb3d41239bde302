/** A parsed rating, or why the answer was not one: never a guess. */
export type ScoreParse = { score: number } | { error: string };

const FULLWIDTH_DIGIT = /[０-９]/g;
const CHINESE_DIGITS: Record<string, string> = {
  一: "1",
  二: "2",
  三: "3",
  四: "4",
  五: "5",
  六: "6",
  七: "7",
  八: "8",
  九: "9",
};

/** Mentions of the scale itself ("out of 7", "/7", "1 to 7", "满分7分"), which are not the answer. */
const SCALE_MENTIONS = [
  /\bout\s+of\s+7\b/gi,
  /\s*\/\s*7(?!\d)/g,
  /(?:\bfrom\s+)?\b1\s*(?:to|-|–|~|到|至)\s*7(?!\d)/gi,
  /满分\s*7\s*分?/g,
  /（\s*1\s*[-–~到至]\s*7\s*分?\s*）/g,
];

/**
 * Reads one WAI rating from a judge's answer: exactly one whole number from 1 to 7.
 * Accepts the common wrappings ("Score: 5", "5分", "**6**", "评分：六分", "6/7"); rejects
 * anything ambiguous ("5 or 6", "5-6", "5.5"), out of range ("8") or without a number.
 */
export function parseWaiScore(answer: string): ScoreParse {
  let text = answer
    .replace(FULLWIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[*_`#>]/g, " ")
    .trim();
  if (text === "") return { error: "empty answer" };
  text = text.replace(/([一二三四五六七八九])\s*分/g, (_, d: string) => `${CHINESE_DIGITS[d]}分`);
  for (const mention of SCALE_MENTIONS) text = text.replace(mention, " ");
  const numbers = text.match(/\d+(?:[.,]\d+)?/g) ?? [];
  if (numbers.length === 0) return { error: "no number in the answer" };
  const distinct = [...new Set(numbers.map((n) => n.replace(",", ".")))];
  if (distinct.length > 1)
    return { error: `more than one number in the answer (${distinct.slice(0, 4).join(", ")})` };
  const value = Number(distinct[0]);
  if (!Number.isInteger(value)) return { error: `not a whole number (${distinct[0]})` };
  if (value < 1 || value > 7) return { error: `out of the 1-7 scale (${value})` };
  return { score: value };
}

/** Strips a ```json fence and reads a JSON object, or says why it is not one. */
function jsonObject(answer: string): Record<string, unknown> | string {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(answer);
  const body = (fenced ? fenced[1]! : answer).trim();
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start < 0 || end < start) return "no JSON object in the answer";
  try {
    const value = JSON.parse(body.slice(start, end + 1)) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : "the JSON is not an object";
  } catch {
    return "the JSON object does not parse";
  }
}

/**
 * Reads the batched answer `{"item_1": 5, …, "item_12": 3}` (also `"1": 5`, or the scores
 * under a `scores` key). Each item is parsed on its own, so one bad value costs only that item.
 */
export function parseWaiBatch(
  answer: string,
  itemNumbers: readonly number[],
): Map<number, ScoreParse> {
  const out = new Map<number, ScoreParse>();
  const parsed = jsonObject(answer);
  if (typeof parsed === "string") {
    for (const n of itemNumbers) out.set(n, { error: parsed });
    return out;
  }
  const scores =
    typeof parsed["scores"] === "object" && parsed["scores"] !== null
      ? (parsed["scores"] as Record<string, unknown>)
      : parsed;
  for (const n of itemNumbers) {
    const value = scores[`item_${n}`] ?? scores[String(n)];
    if (value === undefined) out.set(n, { error: `item_${n} is missing` });
    else if (typeof value === "number")
      out.set(
        n,
        Number.isInteger(value) && value >= 1 && value <= 7
          ? { score: value }
          : { error: `item_${n} is ${value}, not a whole number from 1 to 7` },
      );
    else if (typeof value === "string") out.set(n, parseWaiScore(value));
    else out.set(n, { error: `item_${n} is not a number` });
  }
  return out;
}
