import type { Command } from "commander";
import { PsysimError } from "../../core/errors.js";
import type { Language } from "../../core/language.js";
import { languageOption } from "../chart-language.js";
import { parseInteger, runAction } from "../run-action.js";

interface ReportFlags {
  dataset: string[];
  battles: string[];
  cards: string[];
  eval: string[];
  out: string;
  figures?: string;
  title?: string;
  bootstrap: string;
  seed: string;
  lang?: Language;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `psysim report`: one self-contained HTML page with the paper's tables and figures and a dataset browser. */
export function register(program: Command): void {
  languageOption(program.command("report"), "en")
    .description(
      "Write one self-contained HTML report: Table 1 per dataset and language, Figures 2–6 and 14, Table 4, judge–human agreement, how each was computed, and a browser of every session.",
    )
    .argument(
      "[evaluations...]",
      "evaluation JSON files (from --json of stats, eval fidelity|topics|wai, compare, ratings, judge-agreement, eval safety --battles)",
    )
    .option(
      "--dataset <name=file>",
      "a dialogue JSONL dataset, named (repeat for more)",
      collect,
      [],
    )
    .option(
      "--battles <file>",
      "arena battles JSONL, rated per judge for Figures 6 and 14 and Table 4 (repeatable)",
      collect,
      [],
    )
    .option(
      "--cards <file>",
      "role cards JSONL, shown beside each session (repeatable)",
      collect,
      [],
    )
    .option(
      "--eval <file>",
      "an evaluation JSON file (repeatable; same as the arguments)",
      collect,
      [],
    )
    .option("--out <file>", "the HTML file to write", "report.html")
    .option("--figures <dir>", "also write every figure as SVG and PNG into this folder")
    .option("--title <text>", "the page title")
    .option("--bootstrap <rounds>", "bootstrap rounds when rating --battles", "1000")
    .option("--seed <n>", "bootstrap seed when rating --battles", "0")
    .addHelpText(
      "after",
      "\nEvaluation files are matched to datasets by the content hash of the dialogues they read.\nThe page needs no network: fonts are the system's, figures are inline SVG, data is inline JSON.\n\nExamples:\n  psysim report --dataset real=real.jsonl --dataset sim=sim.jsonl --cards cards.jsonl stats.json fidelity.json wai.json --out report.html\n  psysim report --dataset sim=sim.jsonl --battles battles.jsonl --lang zh --figures figures/\n",
    )
    .action(
      runAction(async (evaluations: string[], flags: ReportFlags) => {
        const { parseDatasetArgs, writeReport } = await import("../../report/index.js");
        const bootstrap = parseInteger("--bootstrap")(flags.bootstrap);
        if (bootstrap < 0)
          throw new PsysimError(
            "INPUT_INVALID",
            `--bootstrap expects a whole number from 0 up, got "${flags.bootstrap}"`,
          );
        const files = {
          datasets: parseDatasetArgs(flags.dataset),
          battles: flags.battles,
          cards: flags.cards,
          evaluations: [...evaluations, ...flags.eval],
        };
        if (files.datasets.length + files.battles.length + files.evaluations.length === 0)
          throw new PsysimError(
            "INPUT_INVALID",
            "nothing to report: give --dataset NAME=FILE, --battles FILE or evaluation JSON files",
          );
        const result = await writeReport({
          files,
          out: flags.out,
          language: flags.lang ?? "en",
          bootstrap,
          seed: parseInteger("--seed")(flags.seed),
          // Rebuilt from the parsed flags: inside `psysim demo` process.argv is the demo's.
          argv: [
            "report",
            ...files.datasets.flatMap((d) => ["--dataset", `${d.name}=${d.file}`]),
            ...files.battles.flatMap((f) => ["--battles", f]),
            ...files.cards.flatMap((f) => ["--cards", f]),
            ...files.evaluations,
            ...(flags.lang ? ["--lang", flags.lang] : []),
            ...(files.battles.length ? ["--bootstrap", flags.bootstrap, "--seed", flags.seed] : []),
            "--out",
            flags.out,
          ],
          ...(flags.title !== undefined && { title: flags.title }),
          ...(flags.figures !== undefined && { figures: flags.figures }),
        });
        process.stdout.write(
          `report: ${result.out} (${(result.bytes / 1024).toFixed(0)} KB)${result.figures.length ? `; ${result.figures.length / 2} figures as SVG and PNG in ${flags.figures}` : ""}\n`,
        );
      }),
    );
}
