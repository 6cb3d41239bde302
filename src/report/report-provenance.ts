import type { InputFileRef } from "../evaluation/evaluation-result.js";
import { T_TEST_NAMES, T_TESTS } from "../evaluation/statistics/t-test.js";
import { DEFAULT_SUPPORT_RESOURCES } from "../simulation/support-resources.js";
import type { LoadedEvaluation } from "./report-inputs.js";

/** How a figure or table was made: its settings, the hashed inputs, and the command to redo it. */
export interface Provenance {
  settings: unknown;
  inputs: InputFileRef[];
  command: string;
}

/** Quotes an argument for a POSIX shell when it holds anything beyond safe characters. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/u.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  return ["psysim", ...argv].map(shellQuote).join(" ");
}

function input(refs: readonly InputFileRef[], role: string): string {
  return refs.find((r) => r.role === role)?.file ?? `<${role}>`;
}

function judgeFlags(settings: Record<string, unknown>): string[] {
  return [
    "--judge",
    String(settings["judge"]),
    "--rounds",
    String(settings["rounds"]),
    "--seed",
    String(settings["seed"]),
    ...(settings["max_attempts"] !== undefined
      ? ["--max-attempts", String(settings["max_attempts"])]
      : []),
  ];
}

/**
 * The psysim command that writes this result again from the same inputs, rebuilt from the
 * settings the result records (`--json` names the file the report read).
 */
export function recomputeCommand(evaluation: LoadedEvaluation): string {
  const json = evaluation.ref.file;
  switch (evaluation.kind) {
    case "stats":
      return commandLine(["stats", ...evaluation.result.inputs.map((r) => r.file), "--json", json]);
    case "fidelity": {
      const { inputs, settings } = evaluation.result;
      const embedding = settings["embedding"] as { model?: string } | null | undefined;
      const stopWords = settings["stop_words"] as { file?: string } | string | null | undefined;
      const stopFile = typeof stopWords === "string" ? stopWords : stopWords?.file;
      return commandLine([
        "eval",
        "fidelity",
        "--dialogues",
        input(inputs, "dialogues"),
        "--cards",
        input(inputs, "cards"),
        "--embeddings",
        embedding?.model ?? "none",
        "--seed",
        String(settings["seed"]),
        ...(stopFile ? ["--stop-words", stopFile] : []),
        "--json",
        json,
      ]);
    }
    case "topics":
    case "wai": {
      const { inputs, settings } = evaluation.result;
      return commandLine([
        "eval",
        evaluation.kind,
        "--dialogues",
        input(inputs, "dialogues"),
        ...judgeFlags(settings),
        ...(evaluation.kind === "wai" ? ["--mode", String(settings["mode"])] : []),
        "--json",
        json,
      ]);
    }
    case "stages":
    case "safety": {
      const { inputs, settings } = evaluation.result;
      const resources = settings["resources"];
      return commandLine([
        "eval",
        evaluation.kind,
        "--dialogues",
        input(inputs, "dialogues"),
        // A baseline result records its judge as a description ("baseline (not an LLM)").
        ...(settings["judge_baseline"] === true ? ["--judge", "baseline"] : judgeFlags(settings)),
        ...(evaluation.kind === "safety" ? ["--within", String(settings["within"])] : []),
        ...(typeof settings["shard"] === "string" ? ["--shard", settings["shard"]] : []),
        "--json",
        json,
      ]).concat(
        // Resources other than the defaults came from a --resources file the result does not name.
        evaluation.kind === "safety" && resources !== undefined && !isDefaultResources(resources)
          ? " --resources <file with the resources in settings>"
          : "",
      );
    }
    case "compare": {
      const { inputs, settings } = evaluation.result;
      const test = T_TESTS.find((t) => T_TEST_NAMES[t] === settings["test"]) ?? "welch";
      const judge = (key: string, flag: string) => {
        const s = settings[key] as Record<string, unknown> | undefined;
        return s ? [flag, String(s["judge"])] : [];
      };
      const wai = settings["wai"] as Record<string, unknown> | undefined;
      const topics = settings["topics"] as Record<string, unknown> | undefined;
      const perTurn = (["stages", "safety"] as const).map(
        (key) => settings[key] as Record<string, unknown> | undefined,
      );
      // The per-turn baselines record a description as their judge; the flag takes "baseline".
      const perTurnFlags = (s: Record<string, unknown> | undefined, flag: string) =>
        s ? [flag, s["judge_baseline"] === true ? "baseline" : String(s["judge"])] : [];
      const shared = wai ?? topics ?? perTurn.find((s) => s && s["judge_baseline"] !== true);
      return commandLine([
        "compare",
        input(inputs, "dialogues-a"),
        input(inputs, "dialogues-b"),
        "--test",
        test,
        ...judge("wai", "--wai"),
        ...(wai ? ["--wai-mode", String(wai["mode"])] : []),
        ...judge("topics", "--topics"),
        ...(inputs.some((r) => r.role === "topics")
          ? ["--topic-list", input(inputs, "topics")]
          : []),
        ...perTurnFlags(perTurn[0], "--stages"),
        ...perTurnFlags(perTurn[1], "--safety"),
        ...(perTurn[1] ? ["--within", String(perTurn[1]["within"])] : []),
        ...(shared ? ["--rounds", String(shared["rounds"]), "--seed", String(shared["seed"])] : []),
        "--json",
        json,
      ]);
    }
    case "arena-safety": {
      const { inputs, settings } = evaluation.result;
      return commandLine([
        "eval",
        "safety",
        "--battles",
        input(inputs, "battles"),
        "--dialogues",
        input(inputs, "dialogues"),
        ...(settings["judge_baseline"] ? ["--judge", "baseline"] : judgeFlags(settings)),
        "--json",
        json,
      ]);
    }
    case "ratings": {
      const { inputs, settings } = evaluation.result;
      return ratingsCommand(
        inputs.map((r) => r.file),
        settings.bootstrap_rounds,
        settings.seed,
        settings.by === "judge",
        settings.centre.kind === "anchor"
          ? `${settings.centre.model}=${settings.centre.rating}`
          : undefined,
        json,
      );
    }
    case "judge-agreement": {
      const r = evaluation.result;
      return commandLine([
        "judge-agreement",
        "--battles",
        r.inputs.battles,
        "--dialogues",
        r.inputs.dialogues,
        "--judge",
        r.judge,
        "--prompt",
        String(r.settings.prompt),
        ...(r.settings.both_orders ? ["--both-orders"] : []),
        "--seed",
        String(r.settings.seed),
        "--json",
        json,
      ]);
    }
  }
}

export function ratingsCommand(
  files: readonly string[],
  rounds: number,
  seed: number,
  byJudge: boolean,
  anchor: string | undefined,
  json?: string,
): string {
  return commandLine([
    "ratings",
    ...files,
    ...(byJudge ? ["--by", "judge"] : []),
    "--bootstrap",
    String(rounds),
    "--seed",
    String(seed),
    ...(anchor ? ["--anchor", anchor] : []),
    ...(json ? ["--json", json] : []),
  ]);
}

function isDefaultResources(resources: unknown): boolean {
  return JSON.stringify(resources) === JSON.stringify(DEFAULT_SUPPORT_RESOURCES);
}
