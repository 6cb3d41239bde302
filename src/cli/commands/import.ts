import type { Command } from "commander";
import { PsysimError, UsageError } from "../../core/errors.js";
import { runAction } from "../run-action.js";

interface ImportFlags {
  from: string;
  out: string;
  language?: string;
  idPrefix?: string;
}

/** `psysim import`: bring outside sessions into the Dialogue format. */
export function register(program: Command): void {
  program
    .command("import")
    .description(
      "Convert outside dialogues (ShareGPT, OpenAI chat, plain message arrays) to psysim dialogues; bad sessions are listed and skipped.",
    )
    .argument("<file>", "input: JSONL, a JSON array or YAML")
    .requiredOption(
      "--from <format>",
      "sharegpt (conversations: from/value or role/content), openai (messages), pairs (arrays of {role, content})",
    )
    .requiredOption("--out <file>", "dialogue JSONL to write")
    .option(
      "--language <zh|en>",
      "language of every session (default: the record's language, else detected from the text)",
    )
    .option(
      "--id-prefix <prefix>",
      "prefix of ids made for records without one (default: the input's base name)",
    )
    .addHelpText(
      "after",
      "\nRoles: user/human/client become the client; assistant/gpt/counselor the counselor; system messages go to meta.system.\nEmpty sessions, sessions with one speaker and sessions whose turns do not alternate are reported and skipped, not fixed.\n\nExamples:\n  psysim import real.json --from sharegpt --out real.jsonl\n  psysim import chats.jsonl --from openai --out chats.dialogues.jsonl --language en\n",
    )
    .action(
      runAction(async (file: string, flags: ImportFlags) => {
        const { importDialogues, IMPORT_FORMATS } = await import("../../evaluation/index.js");
        const { writeJsonlAtomic } = await import("../../core/jsonl.js");
        const format = IMPORT_FORMATS.find((f) => f === flags.from);
        if (!format)
          throw new UsageError(
            `--from expects one of ${IMPORT_FORMATS.join(", ")}, got "${flags.from}"`,
          );
        if (flags.language !== undefined && flags.language !== "zh" && flags.language !== "en")
          throw new UsageError(`--language expects zh or en, got "${flags.language}"`);
        const result = await importDialogues(file, format, {
          ...(flags.language && { language: flags.language as "zh" | "en" }),
          ...(flags.idPrefix && { idPrefix: flags.idPrefix }),
        });
        for (const p of result.problems)
          process.stderr.write(`${p.file}:${p.line}: record ${p.record}: ${p.reason} (skipped)\n`);
        if (result.dialogues.length === 0)
          throw new PsysimError(
            "INPUT_INVALID",
            `${file}: no session could be imported as ${format}${result.problems.length ? " (see the reasons above)" : " (the file is empty)"}`,
          );
        writeJsonlAtomic(flags.out, result.dialogues);
        const skipped = result.problems.length;
        process.stdout.write(
          `imported ${result.dialogues.length} session${result.dialogues.length === 1 ? "" : "s"} to ${flags.out}${skipped ? `; skipped ${skipped}` : ""}\n`,
        );
      }),
    );
}
