import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

type Body = Record<string, string | File | (string | File)[]>;

/**
 * The request's form fields, parsed once per request. A body that does not parse (a broken
 * multipart boundary, a wrong content type) is the sender's mistake: a 400 and one log line,
 * never a stack trace.
 */
export async function formBody(c: Context): Promise<Body> {
  try {
    // Hono caches the parsed body on the request, so the CSRF check and the handler share it.
    return (await c.req.parseBody({ all: true })) as Body;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    console.error(
      `psysim serve: ${c.req.method} ${new URL(c.req.url).pathname}: malformed body (${reason})`,
    );
    throw new HTTPException(400, {
      message: "the form could not be read; reload the page and try again",
    });
  }
}

/** One text field (the first, if repeated); "" when absent or a file. */
export async function formField(c: Context, name: string): Promise<string> {
  const value = (await formBody(c))[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
}

/** Every text value of a repeated field (checkboxes, multi-selects). */
export async function formFields(c: Context, name: string): Promise<string[]> {
  const value = (await formBody(c))[name];
  return ([] as (string | File)[])
    .concat(value ?? [])
    .filter((v): v is string => typeof v === "string");
}
