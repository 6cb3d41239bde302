import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { modelOptions, seedOption, type ModelFlags } from "../common-options.js";
import { parseInteger, runAction } from "../run-action.js";

interface ServeFlags extends ModelFlags {
  db?: string;
  port?: number;
  host?: string;
  seed?: number;
  secureCookies?: boolean;
  publicUrl?: string;
  cards?: string[];
}

/** `psysim serve`: the human annotation platform (paper §5.3, Figure 15). */
export function register(program: Command): void {
  const command = program
    .command("serve")
    .description(
      "Run the annotation platform: counselors judge pairs of counselor models in the browser (Algorithm 2 with a human supervisor)",
    )
    .option(
      "--db <file>",
      "SQLite database of accounts, assignments, sessions and votes (default .psysim/annotations.sqlite)",
    )
    .option(
      "--port <n>",
      "port to listen on (default 8787; 0 picks a free one)",
      parseInteger("--port"),
    )
    .option("--host <address>", "address to listen on (default 127.0.0.1)")
    .option("--secure-cookies", "mark cookies Secure; use when the platform is served over HTTPS")
    .option(
      "--public-url <url>",
      "the address people open (e.g. https://annotate.example.org): other Host headers are refused and invite links use it; https implies --secure-cookies",
    )
    .option(
      "--cards <file...>",
      "role-card files (JSONL / JSON / YAML) to load before serving; cards with the same id are replaced",
    );
  modelOptions(
    seedOption(
      command,
      "seed for candidate positions, tie continuations and random pairs (default 0)",
    ),
  )
    .addHelpText(
      "after",
      `
On first start an admin account is created from PSYSIM_ADMIN_PASSWORD, or a one-time
setup link is printed. Without counselors: in the config, two rule-based baseline
counselors (not LLMs) are offered so the platform works offline.

Examples:
  PSYSIM_ADMIN_PASSWORD=change-me-please psysim serve
  psysim serve --config psysim.yaml --db runs/annotations.sqlite --port 8080
  psysim serve --cards examples/cards.zh.jsonl --public-url https://annotate.example.org`,
    )
    .action(
      runAction(async (flags: ServeFlags) => {
        if (flags.port !== undefined && (flags.port < 0 || flags.port > 65535))
          throw new UsageError(`--port expects 0 to 65535, got ${flags.port}`);
        const { startServer } = await import("../../server/serve.js");
        const server = await startServer({
          ...(flags.config !== undefined ? { config: flags.config } : {}),
          ...(flags.db !== undefined ? { db: flags.db } : {}),
          ...(flags.port !== undefined ? { port: flags.port } : {}),
          ...(flags.host !== undefined ? { host: flags.host } : {}),
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          cache: flags.cache,
          preflight: flags.preflight,
          ...(flags.secureCookies ? { secureCookies: true } : {}),
          ...(flags.publicUrl !== undefined ? { publicUrl: flags.publicUrl } : {}),
          ...(flags.cards ? { cards: flags.cards } : {}),
        });
        const out = process.stdout;
        out.write(
          `psysim serve: listening on ${server.url}${server.publicUrl ? `, public at ${server.publicUrl}` : ""}\n`,
        );
        if (flags.cards)
          out.write(
            `role cards: ${server.cards.added} added, ${server.cards.replaced} replaced from ${flags.cards.join(", ")}\n`,
          );
        out.write(
          `counselors: ${server.counselors.join(", ")}${server.isBaseline ? " (includes the rule-based baseline, not an LLM)" : ""}\n`,
        );
        if (server.admin.kind === "created")
          out.write(`admin account "${server.admin.name}" created from PSYSIM_ADMIN_PASSWORD\n`);
        if (server.admin.kind === "setup-token")
          out.write(
            `no admin yet: open ${server.publicUrl ?? server.url}/setup?token=${server.admin.token} to create one (the link works once)\n`,
          );
        await new Promise<void>((resolve) => {
          const stop = () => {
            out.write("psysim serve: shutting down\n");
            void server.close().then(resolve);
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
      }),
    );
}
