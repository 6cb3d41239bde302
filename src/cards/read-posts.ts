import { existsSync, readFileSync } from "node:fs";
import { InputFileError, InputLineError, PsysimError } from "../core/errors.js";
import { readRecordValues } from "../core/record-files.js";

/** A help-seeking post (the paper's source data, PsyQA) and where it is in its file. */
export interface Post {
  text: string;
  line: number;
}

/**
 * Reads posts: a JSON array of strings, or one post a line (a line may also be a JSON
 * string literal, for posts that contain line breaks). Blank lines are skipped; a
 * non-string array element is reported with its line.
 */
export async function readPosts(file: string): Promise<Post[]> {
  if (!existsSync(file)) throw new PsysimError("NOT_FOUND", `${file}: no such file`);
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  if (text.trimStart().startsWith("[")) {
    const values = await readRecordValues(file);
    const problems: InputLineError[] = [];
    const posts: Post[] = [];
    for (const { value, line } of values) {
      if (typeof value === "string" && value.trim() !== "")
        posts.push({ text: value.trim(), line });
      else
        problems.push(
          new InputLineError(
            file,
            line,
            "",
            typeof value === "string" ? "empty post" : "expected a post as a JSON string",
          ),
        );
    }
    if (problems.length > 0) throw new InputFileError(file, problems);
    return posts;
  }
  const posts: Post[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    posts.push({ text: jsonStringOr(line).trim(), line: i + 1 });
  });
  return posts;
}

function jsonStringOr(line: string): string {
  if (!line.startsWith('"')) return line;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "string" ? value : line;
  } catch {
    // Not a JSON literal after all: a post that happens to open with a quotation mark.
    return line;
  }
}
