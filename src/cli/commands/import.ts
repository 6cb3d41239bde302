import type { Command } from "commander";
import { PsysimError, UsageError } from "../../core/errors.js";
import { runAction } from "../run-action.js";

interface ImportFlags {
  from: string;
  out: string;
  language?: string;
  idPrefix?: string;
  idFrom: string;
  inferEnding: boolean;
  cardId?: string;
  cardMap?: string;
  cards?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `psysim import`: bring outside sessions into the Dialogue format. */
export function register(program: Command): void {
  program
    .command("import")
    .description(
      "Convert outside dialogues (ShareGPT, OpenAI chat, plain message arrays) to psysim dialogues, from many files, folders or globs; bad sessions are listed and skipped.",
    )
    .argument(
      "<inputs...>",
      'files (JSONL, a JSON array or YAML), folders (their .json/.jsonl/.yaml files) or quoted globs ("data/*.json")',
    )
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
      "--id-from <source>",
      "record (the record's id, else <prefix>-<n> from 1) | filename (the file's base name: 0.json -> 0)",
      "record",
    )
    .option(
      "--id-prefix <prefix>",
      "prefix of ids made for records without one (default: the input's base name)",
    )
    .option(
      "--card-id <template>",
      'attach role_card_id made from the session id: "{id}" or e.g. "card-{id}"',
    )
    .option(
      "--card-map <file>",
      "attach role_card_id from a mapping: CSV/TSV with session_id,role_card_id, a JSON object {session: card}, or JSONL records",
    )
    .option("--cards <file>", "role cards to check every attached card id against")
    .option(
      "--no-infer-ending",
      "do not infer ended_by with the termination phrases g (inferred endings are marked in meta.inferred)",
    )
    .addHelpText(
      "after",
      "\nRoles: user/human/client become the client; assistant/gpt/counselor the counselor; system messages go to meta.system.\nEmpty sessions, sessions with one speaker and sessions whose turns do not alternate are reported and skipped, not fixed.\nWhen g (Table 2) matches the last counselor turn, ended_by is termination_phrase and meta.inferred lists \"ended_by\".\n\nExamples:\n  psysim import real.json --from sharegpt --out real.jsonl\n  psysim import dialogue/ --from pairs --id-from filename --card-map cards-map.csv --cards cards.jsonl --out sim.jsonl\n  psysim import 'chats/*.jsonl' --from openai --out chats.dialogues.jsonl --language en\n\nSee docs/import.md.\n",
    )
    .action(
      runAction(async (inputs: string[], flags: ImportFlags) => {
        const evaluation = await import("../../evaluation/index.js");
        const { writeJsonlAtomic } = await import("../../core/jsonl.js");
        const format = evaluation.IMPORT_FORMATS.find((f) => f === flags.from);
        if (!format)
          throw new UsageError(
            `--from expects one of ${evaluation.IMPORT_FORMATS.join(", ")}, got "${flags.from}"`,
          );
        const idFrom = evaluation.ID_SOURCES.find((s) => s === flags.idFrom);
        if (!idFrom)
          throw new UsageError(
            `--id-from expects one of ${evaluation.ID_SOURCES.join(", ")}, got "${flags.idFrom}"`,
          );
        if (flags.language !== undefined && flags.language !== "zh" && flags.language !== "en")
          throw new UsageError(`--language expects zh or en, got "${flags.language}"`);
        if (flags.cardId && flags.cardMap)
          throw new UsageError("--card-id and --card-map both attach cards: give one");
        if (flags.cards && !flags.cardId && !flags.cardMap)
          throw new UsageError("--cards checks attached cards: give --card-id or --card-map too");
        if (flags.cardId) evaluation.checkCardTemplate(flags.cardId);
        const { readRoleCards } = await import("../../core/read-records.js");
        const { inferredFields } = await import("../../core/dialogue.js");
        const cards = flags.cards
          ? { file: flags.cards, cards: await readRoleCards(flags.cards) }
          : undefined;
        const map = flags.cardMap ? await evaluation.readCardMap(flags.cardMap) : undefined;
        const result = await evaluation.importDialogues(inputs, format, {
          ...(flags.language && { language: flags.language as "zh" | "en" }),
          ...(flags.idPrefix && { idPrefix: flags.idPrefix }),
          idFrom,
          inferEnding: flags.inferEnding,
        });
        for (const p of result.problems)
          process.stderr.write(`${p.file}:${p.line}: record ${p.record}: ${p.reason} (skipped)\n`);
        const where =
          result.files.length === 1 ? result.files[0]! : plural(result.files.length, "file");
        if (result.dialogues.length === 0)
          throw new PsysimError(
            "INPUT_INVALID",
            `${where}: no session could be imported as ${format}${result.problems.length ? " (see the reasons above)" : " (the input is empty)"}`,
          );
        const attached = evaluation.attachCards(result.dialogues, {
          ...(flags.cardId && { template: flags.cardId }),
          ...(map && { map }),
          ...(cards && { cards }),
        });
        if (attached.unmapped.length > 0)
          process.stderr.write(
            `${flags.cardMap}: no card for ${plural(attached.unmapped.length, "session")} (first: "${attached.unmapped[0]}"); they carry no role_card_id\n`,
          );
        if (attached.unused.length > 0)
          process.stderr.write(
            `${flags.cardMap}: ${attached.unused.length === 1 ? "1 entry names a session" : `${attached.unused.length} entries name sessions`} that were not imported (first: "${attached.unused[0]}")\n`,
          );
        writeJsonlAtomic(flags.out, attached.dialogues, "dialogue");
        const inferred = attached.dialogues.filter((d) =>
          inferredFields(d).includes("ended_by"),
        ).length;
        const withCards = attached.dialogues.filter((d) => d.role_card_id !== undefined).length;
        const skipped = result.problems.length;
        const notes = [
          ...(result.files.length > 1 ? [`from ${plural(result.files.length, "file")}`] : []),
          ...(skipped ? [`skipped ${skipped}`] : []),
          ...(inferred ? [`ended_by inferred for ${inferred}`] : []),
          ...(flags.cardId || flags.cardMap ? [`cards attached to ${withCards}`] : []),
        ];
        process.stdout.write(
          `imported ${plural(attached.dialogues.length, "session")} to ${flags.out}${notes.length ? `; ${notes.join("; ")}` : ""}\n`,
        );
      }),
    );
}
