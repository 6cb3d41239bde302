/**
 * The JSON value in a judge's answer: inside a ```json fence when there is one, else from the
 * first `{` or `[` to its last closing partner. Undefined when there is none or it does not
 * parse; callers record that as an error and never guess.
 */
export function jsonValue(answer: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(answer);
  const body = (fenced ? fenced[1]! : answer).trim();
  const starts = [body.indexOf("{"), body.indexOf("[")].filter((i) => i >= 0);
  if (starts.length === 0) return undefined;
  const start = Math.min(...starts);
  const end = body[start] === "{" ? body.lastIndexOf("}") : body.lastIndexOf("]");
  if (end < start) return undefined;
  try {
    return JSON.parse(body.slice(start, end + 1)) as unknown;
  } catch {
    return undefined;
  }
}
