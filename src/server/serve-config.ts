import { z } from "zod";
import { PsysimError } from "../core/errors.js";
import { ModelEntrySchema } from "../llm/model-config.js";

/** The `serve:` section of psysim.yaml. Unset keys fall back to `simulation:` and then psysim's defaults. */
export const ServeConfigSchema = z.strictObject({
  /** The simulated client Ω; default `simulation.client`, else `baseline`. */
  client: ModelEntrySchema.optional(),
  /** Counselors the admin may pair; default every one under `counselors:`. */
  counselors: z.array(z.string().min(1)).min(2).optional(),
  max_turns: z.int().min(1).optional(),
  seed: z.int().optional(),
  db: z.string().min(1).optional(),
  port: z.int().min(1).max(65535).optional(),
  host: z.string().min(1).optional(),
});
export type ServeConfig = z.infer<typeof ServeConfigSchema>;

export function parseServeConfig(section: unknown, file: string): ServeConfig {
  const parsed = ServeConfigSchema.safeParse(section ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new PsysimError(
    "CONFIG_INVALID",
    `${file}: serve.${issue.path.map(String).join(".")}: ${issue.message}`,
  );
}
